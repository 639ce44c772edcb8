package dev.agentmesh.manager.planning;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file the local planner keeps between starts ({@link CardEmbeddingFile}, {@link SkillModelFile}): aside
 * under a name of its own, then moved in place, so that two managers sharing the file (the local chaos run starts
 * a second one) never mix their writes and a reader never sees half a file. A failure is only logged: the file is
 * a cache, and the next start computes what it lacks.
 */
final class KeptFile {

    private static final Logger log = LoggerFactory.getLogger(KeptFile.class);

    /** What goes into the file. */
    interface Contents {
        void writeTo(DataOutputStream out) throws IOException;
    }

    private KeptFile() {
    }

    /** Replaces {@code file} with these contents; {@code what} names them in the log line of a failure. */
    static void replace(Path file, String what, Contents contents) {
        Path temporary = null;
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            temporary = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(temporary)))) {
                contents.writeTo(out);
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            log.warn("Could not keep the {} in {}: {}", what, file, e.toString());
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // nothing more to do: the next save writes a new one
                }
            }
        }
    }
}
