package dev.agentmesh.manager.planning;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local planner's trained skill models, kept in a file between starts under their {@link
 * SkillClassifier#trainingKey}: a restarted manager that meets a set of cards it trained on before takes the
 * weights instead of training again (1,000 passes over some 600 examples per skill, about 2 CPU seconds for the
 * shipped cards, between the agents' first heartbeats and the manager planning with them). The weights come from
 * card texts alone, which agents publish on the registry; requests never reach them. Only the weights training
 * moved from zero are written (the sentence embedding's and the hashed words seen in the cards), and a file that is
 * unreadable or of another format counts as empty and is replaced.
 */
final class SkillModelFile {

    private static final Logger log = LoggerFactory.getLogger(SkillModelFile.class);
    private static final int FORMAT = 1;
    /** Far above any real count or length, so that a damaged file is refused before it is allocated. */
    private static final int LIMIT = 1 << 20;

    private final Path file;

    SkillModelFile(Path file) {
        this.file = file;
    }

    /** The kept models by training key, oldest first; empty when there is no file or it cannot be read. */
    Map<String, List<double[]>> load() {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != FORMAT) {
                log.info("Skill models in {} are of another format; they are trained again", file);
                return Map.of();
            }
            int count = bounded(in.readInt());
            Map<String, List<double[]>> models = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String key = in.readUTF();
                int skills = bounded(in.readInt());
                List<double[]> weights = new ArrayList<>(skills);
                for (int s = 0; s < skills; s++) {
                    double[] w = new double[bounded(in.readInt())];
                    int set = bounded(in.readInt());
                    for (int j = 0; j < set; j++) {
                        w[in.readInt()] = in.readDouble();
                    }
                    weights.add(w);
                }
                models.put(key, List.copyOf(weights));
            }
            return models;
        } catch (IOException | RuntimeException e) {
            log.warn("Skill models in {} are unreadable ({}); they are trained again", file, e.toString());
            return Map.of();
        }
    }

    private static int bounded(int count) throws IOException {
        if (count < 0 || count > LIMIT) {
            throw new IOException("a count of " + count + " in the file");
        }
        return count;
    }

    /** Replaces the file with these models ({@link KeptFile}: whole or not at all; a failure is only logged). */
    void save(Map<String, List<double[]>> models) {
        KeptFile.replace(file, "skill models", out -> {
            out.writeInt(FORMAT);
            out.writeInt(models.size());
            for (Map.Entry<String, List<double[]>> model : models.entrySet()) {
                out.writeUTF(model.getKey());
                out.writeInt(model.getValue().size());
                for (double[] w : model.getValue()) {
                    writeSet(out, w);
                }
            }
        });
    }

    /** The vector's length, then its entries that are not zero, as index and value. */
    private static void writeSet(DataOutputStream out, double[] w) throws IOException {
        out.writeInt(w.length);
        int set = 0;
        for (double value : w) {
            set += value != 0 ? 1 : 0;
        }
        out.writeInt(set);
        for (int j = 0; j < w.length; j++) {
            if (w[j] != 0) {
                out.writeInt(j);
                out.writeDouble(w[j]);
            }
        }
    }
}
