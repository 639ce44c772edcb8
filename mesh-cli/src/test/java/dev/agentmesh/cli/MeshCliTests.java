package dev.agentmesh.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Usage errors are answered before any connection to Kafka is tried. */
class MeshCliTests {

    record Run(int code, String out, String err) {
    }

    static Run run(Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new MeshCli(environment, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Clock.systemUTC()).run(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void withoutACommandPrintsTheUsageAndExitsTwo() {
        Run run = run(Map.of());

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("timeline <task-or-conversation-id>").contains("dlt replay");
    }

    @Test
    void helpGoesToStandardOutput() {
        Run run = run(Map.of(), "--help");

        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("usage: mesh <command>");
    }

    @Test
    void unknownCommandsAndOptionsAreUsageErrors() {
        assertThat(run(Map.of(), "replay").err()).contains("unknown command 'replay'");
        assertThat(run(Map.of(), "agents", "--jsn").err()).contains("unknown option --jsn");
        assertThat(run(Map.of(), "timeline", "t", "--since").err()).contains("--since needs a value");
        assertThat(run(Map.of(), "dlt").err()).contains("dlt needs list or replay");
        assertThat(run(Map.of(), "page", "--port", "http").err()).contains("--port needs a number");
    }

    @Test
    void anUnreadableClientSettingsFileIsNamed() {
        Run run = run(Map.of("MESH_KAFKA_CONFIG", "/nonexistent/client.properties"), "agents");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("MESH_KAFKA_CONFIG: cannot read /nonexistent/client.properties");
    }
}
