package dev.agentmesh.manager.planning;

import dev.langchain4j.model.embedding.onnx.e5smallv2q.E5SmallV2QuantizedEmbeddingModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The planner's model on one thread reads every text as langchain4j's own e5-small-v2 does: the development
 * part's requests and the clauses the planner embeds of them (never the held-out part), and a text long enough to
 * be embedded in parts.
 */
class E5SmallOnOneThreadTests {

    private static final double AGREEMENT = 1 - 1e-4;

    private final SentenceModel langchain = new SentenceModel(new E5SmallV2QuantizedEmbeddingModel(), "query: ");
    private final SentenceModel oneThread = SentenceModel.e5Small();

    @Test
    void embedsTheDevelopmentRequestsAndTheirClausesAsLangchainsModelDoes() {
        List<String> texts = new ArrayList<>();
        for (RoutingEvaluation.Example example : RoutingEvaluation.developmentPart()) {
            texts.add(example.request());
            texts.addAll(LocalPlanner.clauses(example.request()));
        }

        assertThat(texts).hasSizeGreaterThan(300);
        for (String text : texts) {
            assertThat(cosine(langchain.embed(text), oneThread.embed(text))).as(text).isGreaterThanOrEqualTo(AGREEMENT);
        }
    }

    @Test
    void embedsATextLongerThanTheModelReadsAtOnceAsLangchainsModelDoes() {
        String text = String.join(" ", RoutingEvaluation.developmentPart().stream().limit(100)
                .map(RoutingEvaluation.Example::request).toList());

        assertThat(text.split("\\s+").length).isGreaterThan(510);
        assertThat(cosine(langchain.embed(text), oneThread.embed(text))).isGreaterThanOrEqualTo(AGREEMENT);
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            normA += a[i] * a[i];
            normB += b[i] * b[i];
        }
        return dot / Math.sqrt(normA * normB);
    }
}
