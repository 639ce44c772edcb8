package dev.agentmesh.cli;

import dev.agentmesh.testing.TestKafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Map;

/**
 * Runs the tool's commands in the test JVM against the test broker, as {@code mesh.sh} runs them in a shell.
 * What each printed is appended to {@code target/mesh-cli-runs.txt}, to read what an operator would see.
 */
final class Cli {

    record Result(int exitCode, String out, String err) {
    }

    private static final Path LOG = Path.of("target", "mesh-cli-runs.txt");

    private Cli() {
    }

    private static synchronized void record(String[] args, Result result) {
        try {
            Files.writeString(LOG, "$ mesh " + String.join(" ", args) + "\n" + result.out() + result.err()
                    + "(exit " + result.exitCode() + ")\n\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new MeshCli(Map.of("KAFKA_BOOTSTRAP_SERVERS", TestKafka.bootstrapServers()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Clock.systemUTC()).run(args);
        Result result = new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        record(args, result);
        return result;
    }
}
