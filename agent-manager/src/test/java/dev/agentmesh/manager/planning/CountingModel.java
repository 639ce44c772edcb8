package dev.agentmesh.manager.planning;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;

import java.util.ArrayList;
import java.util.List;

/** A deterministic stand-in for the sentence model that notes every text it embeds. */
final class CountingModel implements EmbeddingModel {

    final List<String> texts = new ArrayList<>();

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        List<Embedding> embeddings = new ArrayList<>();
        for (TextSegment segment : segments) {
            texts.add(segment.text());
            float[] vector = new float[8];
            for (int i = 0; i < segment.text().length(); i++) {
                vector[i % vector.length] += segment.text().charAt(i);
            }
            embeddings.add(Embedding.from(vector));
        }
        return Response.from(embeddings);
    }
}
