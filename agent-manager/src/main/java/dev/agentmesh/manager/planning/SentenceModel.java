package dev.agentmesh.manager.planning;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;

import java.util.List;
import java.util.Objects;

/**
 * The sentence embedding the local planner reads requests and card examples with, and the marker its model was
 * trained to see before a text.
 *
 * @param prefix put before every text; E5 models were trained with {@code "query: "} before texts compared with
 *               each other
 */
record SentenceModel(EmbeddingModel model, String prefix) {

    SentenceModel {
        Objects.requireNonNull(model, "model");
        prefix = prefix == null ? "" : prefix;
    }

    /**
     * e5-small-v2, quantised, shipped in a Maven jar and run in process; chosen on the development part of the
     * routing set over all-MiniLM-L6-v2 (the model before it) and bge-small-en-v1.5. Run on the calling thread
     * alone ({@link E5SmallOnOneThread}).
     */
    static SentenceModel e5Small() {
        return new SentenceModel(new E5SmallOnOneThread(), "query: ");
    }

    /** Names the model and how it is called, for files of its embeddings ({@link CardEmbeddingFile}). */
    String id() {
        return model.getClass().getName() + " prefix=" + prefix;
    }

    float[] embed(String text) {
        return model.embed(prefix + text).content().vector();
    }

    /** The texts' embeddings, in one call of the model (which may pass them together: {@link E5SmallOnOneThread}). */
    List<float[]> embedAll(List<String> texts) {
        return model.embedAll(texts.stream().map(text -> TextSegment.from(prefix + text)).toList()).content().stream()
                .map(Embedding::vector).toList();
    }
}
