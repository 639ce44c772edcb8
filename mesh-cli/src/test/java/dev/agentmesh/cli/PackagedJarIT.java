package dev.agentmesh.cli;

import dev.agentmesh.testing.TestKafka;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The runnable jar as {@code deploy/local/mesh.sh} runs it, in its own JVM against the test broker: a command, and
 * the page answering from its HTTP threads (which once could not load Kafka's classes from the jar).
 */
class PackagedJarIT {

    @Test
    void theJarRunsACommandAndServesThePage() throws Exception {
        Path jar = execJar();
        Process agents = java(jar, "agents");
        assertThat(agents.waitFor(90, TimeUnit.SECONDS)).isTrue();
        String printed = new String(agents.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(agents.exitValue()).as(printed).isZero();
        assertThat(printed).containsAnyOf("agent ", "No agent has announced itself");

        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process page = java(jar, "page", "--port", String.valueOf(port));
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI agentsApi = URI.create("http://127.0.0.1:" + port + "/api/agents");
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .until(() -> http.send(HttpRequest.newBuilder(agentsApi).timeout(Duration.ofSeconds(60)).build(),
                            HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
            HttpResponse<String> tasks = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/tasks")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(tasks.statusCode()).as(tasks.body()).isEqualTo(200);
            assertThat(tasks.body()).startsWith("[");
        } finally {
            page.destroy();
            page.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Path execJar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(f -> f.getFileName().toString().matches("mesh-cli-.*-exec\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no mesh-cli-*-exec.jar in target: run mvn package"));
        }
    }

    private static Process java(Path jar, String... args) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(List.of(java.toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(args[0].equals("page") ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.PIPE);
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", TestKafka.bootstrapServers());
        builder.environment().remove("MESH_KAFKA_CONFIG");
        return builder.start();
    }
}
