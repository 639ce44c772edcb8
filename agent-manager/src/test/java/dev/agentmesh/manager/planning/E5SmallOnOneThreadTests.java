package dev.agentmesh.manager.planning;

import dev.langchain4j.model.embedding.onnx.e5smallv2q.E5SmallV2QuantizedEmbeddingModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The planner's model on one thread reads every text as langchain4j's own e5-small-v2 does: the development
 * part's requests and the clauses the planner embeds of them (never the held-out part), and a text long enough to
 * be embedded in parts. Texts passed through the model together are tokenised and pooled as langchain4j does one
 * text, and each comes out close to its own pass.
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
    void passesTextsTogetherAsLangchainsModelReadsEachAlone() {
        for (RoutingEvaluation.Example example : RoutingEvaluation.developmentPart()) {
            String text = example.request();
            // the same text twice: no padding and the same activations, so the same numbers as its own pass
            List<float[]> twice = oneThread.embedAll(List.of(text, text));
            assertThat(cosine(langchain.embed(text), twice.get(0))).as(text).isGreaterThanOrEqualTo(1 - 1e-6);
            assertThat(cosine(twice.get(0), twice.get(1))).as(text).isGreaterThanOrEqualTo(1 - 1e-6);

            List<String> clauses = LocalPlanner.clauses(text);
            if (!clauses.isEmpty()) {
                List<String> together = new ArrayList<>(List.of(text));
                together.addAll(clauses);
                List<float[]> vectors = oneThread.embedAll(together);
                assertThat(vectors).hasSize(together.size());
                for (int i = 0; i < together.size(); i++) {
                    assertThat(cosine(langchain.embed(together.get(i)), vectors.get(i))).as(together.get(i))
                            .isGreaterThanOrEqualTo(0.99);
                }
            }
        }
    }

    @Test
    void passesALongTextWithOthersAsLangchainsModelReadsItAlone() {
        String text = String.join(" ", RoutingEvaluation.developmentPart().stream().limit(100)
                .map(RoutingEvaluation.Example::request).toList());

        List<float[]> vectors = oneThread.embedAll(List.of(text, "any news about France"));
        assertThat(cosine(langchain.embed(text), vectors.get(0))).isGreaterThanOrEqualTo(AGREEMENT);
        assertThat(cosine(langchain.embed("any news about France"), vectors.get(1))).isGreaterThanOrEqualTo(AGREEMENT);
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
