package dev.agentmesh.manager.planning;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The embeddings of the agents' card texts (descriptions and examples), kept in a file between starts, so that a
 * restarted manager learns cards it has seen before without running the model over every example again (about 240
 * texts for the shipped agents, most of the CPU between an agent's first heartbeat and the manager planning with
 * it). Only card texts, which agents publish on the registry, are kept; requests never are. The file names the
 * model it was made with: one made with another model, or unreadable, counts as empty and is replaced.
 */
final class CardEmbeddingFile {

    private static final Logger log = LoggerFactory.getLogger(CardEmbeddingFile.class);
    private static final int FORMAT = 1;

    private final Path file;
    private final String model;

    /** @param model names the model and how it is called (its prefix), so that another one never reads these */
    CardEmbeddingFile(Path file, String model) {
        this.file = file;
        this.model = model;
    }

    /** What the file holds for this model; empty when there is no file or it is of another model or unreadable. */
    Map<String, float[]> load() {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != FORMAT || !in.readUTF().equals(model)) {
                log.info("Card embeddings in {} are of another model; they are made again", file);
                return Map.of();
            }
            int count = in.readInt();
            Map<String, float[]> embeddings = new HashMap<>(count * 2);
            for (int i = 0; i < count; i++) {
                String text = in.readUTF();
                float[] vector = new float[in.readInt()];
                for (int j = 0; j < vector.length; j++) {
                    vector[j] = in.readFloat();
                }
                embeddings.put(text, vector);
            }
            return embeddings;
        } catch (IOException | RuntimeException e) {
            log.warn("Card embeddings in {} are unreadable ({}); they are made again", file, e.toString());
            return Map.of();
        }
    }

    /** Replaces the file with these embeddings ({@link KeptFile}: whole or not at all; a failure is only logged). */
    void save(Map<String, float[]> embeddings) {
        KeptFile.replace(file, "card embeddings", out -> {
            out.writeInt(FORMAT);
            out.writeUTF(model);
            out.writeInt(embeddings.size());
            for (Map.Entry<String, float[]> entry : embeddings.entrySet()) {
                out.writeUTF(entry.getKey());
                out.writeInt(entry.getValue().length);
                for (float value : entry.getValue()) {
                    out.writeFloat(value);
                }
            }
        });
    }
}
