package dev.agentmesh.gateway.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the repository's Node scripts: installs its locked npm packages when they are missing or older than
 * the lock file, then runs it.
 */
final class NodeScript {

    record Result(int exitCode, String output) {
    }

    private NodeScript() {
    }

    static Result run(Path directory, Duration timeout, String... command) throws IOException, InterruptedException {
        return run(directory, timeout, Map.of(), command);
    }

    /** Runs with extra environment variables (NODE_EXTRA_CA_CERTS, say). */
    static Result run(Path directory, Duration timeout, Map<String, String> environment, String... command)
            throws IOException, InterruptedException {
        Path installed = directory.resolve("node_modules").resolve(".package-lock.json");
        if (!Files.isRegularFile(installed) || Files.getLastModifiedTime(installed)
                .compareTo(Files.getLastModifiedTime(directory.resolve("package-lock.json"))) < 0) {
            Result install = exec(directory, Duration.ofMinutes(4), Map.of(), "npm", "ci", "--no-audit", "--no-fund");
            if (install.exitCode() != 0) {
                throw new IllegalStateException("npm ci failed in " + directory + ":\n" + install.output());
            }
        }
        return exec(directory, timeout, environment, command);
    }

    private static Result exec(Path directory, Duration timeout, Map<String, String> environment, String... command)
            throws IOException, InterruptedException {
        List<String> arguments = new ArrayList<>(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(arguments).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        StringBuilder output = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the process ended
            }
        });
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            reader.join(2_000);
            return new Result(-1, "timed out after " + timeout + ":\n" + output);
        }
        reader.join(5_000);
        return new Result(process.exitValue(), output.toString());
    }
}
