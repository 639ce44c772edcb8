package dev.agentmesh.deploy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** External commands (npm, tar, kubectl, tsc) with no cluster in reach. */
final class Commands {

    record Result(int exitCode, String output) {
    }

    private Commands() {
    }

    /** Runs a command and returns its standard output; fails with its output when it exits non-zero. */
    static String run(Path dir, List<String> command) {
        Result result = result(dir, command);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + result.exitCode() + ":\n"
                    + result.output());
        }
        return result.output();
    }

    /** Runs a command; output is standard output followed by standard error. */
    static Result result(Path dir, List<String> command) {
        try {
            Path errors = Files.createTempFile("agent-mesh-cmd", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectError(errors.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().put("KUBECONFIG", "/nonexistent"); // nothing here may talk to a cluster
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            String err = Files.readString(errors);
            Files.deleteIfExists(errors);
            return new Result(process.exitValue(), out + err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
