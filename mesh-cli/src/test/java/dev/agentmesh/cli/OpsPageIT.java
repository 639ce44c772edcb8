package dev.agentmesh.cli;

import dev.agentmesh.cli.kafka.KafkaConnection;
import dev.agentmesh.cli.page.OpsPage;
import dev.agentmesh.events.AgentRegistered;
import dev.agentmesh.events.Topics;
import dev.agentmesh.testing.EventPublisher;
import dev.agentmesh.testing.TestKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code mesh page} on loopback against a real broker: its JSON API, what it refuses, and the page itself in headless
 * Chromium ({@code src/test/browser/ops-check.mjs}; screenshot in {@code target/ops-page.png}).
 */
class OpsPageIT {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static SampleConversation sample;
    static String agent;
    static OpsPage page;

    @BeforeAll
    static void startThePage() throws IOException {
        sample = SampleConversation.publish("What's the weather in Paris <b class=\"injected\">and</b> news?");
        agent = "pageprobe" + UUID.randomUUID().toString().substring(0, 8);
        try (EventPublisher publisher = new EventPublisher()) {
            publisher.publish(Topics.AGENT_REGISTRY, agent, new AgentRegistered(UUID.randomUUID().toString(),
                    Instant.now(), 1, agent, "Answers page probes", Topics.requestsFor(agent), "2.0.0", agent + "-1",
                    60_000, List.of(), List.of(), List.of()));
        }
        page = new OpsPage(KafkaConnection.to(TestKafka.bootstrapServers()), InetAddress.getLoopbackAddress(), 0,
                Clock.systemUTC()).start();
    }

    @AfterAll
    static void stopThePage() {
        page.close();
    }

    @Test
    void servesATasksTimelineAndTheAgentsAsJson() throws Exception {
        HttpResponse<String> timeline = get("/api/timeline/" + sample.task());
        HttpResponse<String> agents = get("/api/agents");

        assertThat(timeline.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(timeline.body());
        assertThat(body.path("kind").asString()).isEqualTo("task");
        assertThat(body.path("tasks").get(0).path("outcome").asString()).isEqualTo("partial");
        assertThat(body.path("entries").size()).isEqualTo(9);
        assertThat(agents.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(agents.body()).valueStream().map(a -> a.path("agent").asString()))
                .contains(agent);
    }

    @Test
    void answersAnUnknownIdWithNotFoundAndABadSinceWithBadRequest() throws Exception {
        HttpResponse<String> unknown = get("/api/timeline/no-such-" + UUID.randomUUID());
        HttpResponse<String> badSince = get("/api/timeline/" + sample.task() + "?since=soon");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).path("error").asString()).startsWith("no task or conversation");
        assertThat(badSince.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badSince.body()).path("error").asString()).contains("--since 'soon'");
    }

    @Test
    void refusesARequestForAnotherHostNameAndAnythingButGet() throws Exception {
        String foreign = raw("GET /api/agents HTTP/1.1\r\nHost: attacker.example:" + page.port()
                + "\r\nConnection: close\r\n\r\n");
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/api/agents"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> other = get("/ops/../pom.xml");

        assertThat(foreign).startsWith("HTTP/1.1 403");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(get("/ops/").headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("default-src 'self'"));
    }

    @Test
    void thePageShowsTheTimelineAndTheAgentsInHeadlessChromium() throws Exception {
        Path directory = Path.of("src", "test", "browser");
        Path screenshot = Path.of("target", "ops-page.png").toAbsolutePath();
        if (!Files.isRegularFile(directory.resolve("node_modules/.package-lock.json"))) {
            assertThat(exec(directory, Duration.ofMinutes(4), "npm", "ci", "--no-audit", "--no-fund")).startsWith("0\n");
        }

        String result = exec(directory, Duration.ofSeconds(120), "node", "ops-check.mjs", page.url(), sample.task(),
                agent, screenshot.toString());

        assertThat(result).startsWith("0\n").contains("\"ok\":true");
    }

    private static String base() {
        return "http://127.0.0.1:" + page.port();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", page.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Runs a command; its exit code, a line break and its output. */
    private static String exec(Path directory, Duration timeout, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
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
            return "timed out after " + timeout + "\n" + output;
        }
        reader.join(5_000);
        return process.exitValue() + "\n" + output;
    }
}
