package dev.agentmesh.gateway.memory;

import com.sun.net.httpserver.HttpServer;
import dev.agentmesh.gateway.RealtimeTestClient;
import dev.agentmesh.gateway.ScriptedUpstream;
import dev.agentmesh.testing.KafkaTestConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that comes back with its conversation id gets a new upstream session seeded with that conversation,
 * from a memory store faked at the HTTP level in its real format; a user gets only their own conversation and
 * profile.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.main.web-application-type=reactive", "gateway.instance-id=resume-it"})
@Import(KafkaTestConfig.class)
class ResumeIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CONVERSATION = "conv_0123456789abcdef0123456789abcdef";
    private static final ScriptedUpstream UPSTREAM = ScriptedUpstream.start();
    private static final List<String> STORE_REQUESTS = new CopyOnWriteArrayList<>();
    private static final HttpServer STORE = fakeStore();

    @DynamicPropertySource
    static void upstream(DynamicPropertyRegistry registry) {
        registry.add("gateway.upstream.url", UPSTREAM::url);
        registry.add("gateway.memory.store-url", () -> "http://127.0.0.1:" + STORE.getAddress().getPort());
    }

    @LocalServerPort
    int port;

    @AfterAll
    static void stop() throws Exception {
        UPSTREAM.close();
        STORE.stop(0);
    }

    @Test
    void aReloadResumesTheConversationAndSeedsTheNewUpstreamSession() {
        UPSTREAM.forget();
        try (RealtimeTestClient client = RealtimeTestClient.connect(url("alice-browser-1", CONVERSATION))) {
            String conversation = client.awaitEvent("agent_mesh.conversation", event -> true, Duration.ofSeconds(10));
            JsonNode event = JSON.readTree(conversation);
            assertThat(event.path("conversation_id").asString()).isEqualTo(CONVERSATION);
            assertThat(event.path("restored").findValuesAsString("text"))
                    .containsExactly("I live in Lyon.", "Noted: Lyon.");

            UPSTREAM.awaitReceived("conversation.item.create", item -> item.contains("I live in Lyon.")
                    && item.contains("\"role\":\"user\""));
            UPSTREAM.awaitReceived("conversation.item.create", item -> item.contains("Noted: Lyon.")
                    && item.contains("\"role\":\"assistant\""));
            int seeded = UPSTREAM.received().indexOf(UPSTREAM.received("conversation.item.create").getFirst());
            int settings = UPSTREAM.received().indexOf(UPSTREAM.received("session.update").getFirst());
            assertThat(settings).isLessThan(seeded);
        }
    }

    @Test
    void anotherUsersConversationIdStartsANewConversation() {
        UPSTREAM.forget();
        try (RealtimeTestClient client = RealtimeTestClient.connect(url("mallory-browser", CONVERSATION))) {
            String conversation = client.awaitEvent("agent_mesh.conversation", event -> true, Duration.ofSeconds(10));
            assertThat(JSON.readTree(conversation).path("conversation_id").asString()).startsWith("conv_")
                    .isNotEqualTo(CONVERSATION);
            assertThat(conversation).doesNotContain("Lyon");
            UPSTREAM.awaitReceived("session.update", event -> event.contains("ask_agents"));
            assertThat(UPSTREAM.received("conversation.item.create")).isEmpty();
        }
    }

    @Test
    void thePageReadsAndForgetsOnlyItsOwnUsersMemory() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> profile = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/me/profile"))
                .header("X-Agent-Mesh-User", "alice-browser-1").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(profile.statusCode()).isEqualTo(200);
        assertThat(profile.body()).contains("Lyon");
        assertThat(STORE_REQUESTS).contains("GET /api/memory/users/browser%3Aalice-browser-1/profile");

        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/me/profile"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);

        HttpResponse<String> forget = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/me"))
                .header("X-Agent-Mesh-User", "alice-browser-1").DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forget.statusCode()).isEqualTo(204);
        assertThat(STORE_REQUESTS).contains("DELETE /api/memory/users/browser%3Aalice-browser-1");
        assertThat(STORE_REQUESTS).noneMatch(request -> request.contains("mallory") && request.startsWith("DELETE"));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private String url(String user, String conversation) {
        return "ws://127.0.0.1:" + port + "/v1/realtime?agent_events=true&user_id=" + user + "&conversation_id="
                + conversation;
    }

    /** The memory store's API as it answers: Alice's conversation and profile; nothing for anybody else. */
    private static HttpServer fakeStore() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/api/memory/users/", exchange -> {
                String path = exchange.getRequestURI().getRawPath();
                STORE_REQUESTS.add(exchange.getRequestMethod() + " " + path);
                String alice = "/api/memory/users/browser%3Aalice-browser-1";
                int status = 404;
                String body = "{\"error\":\"not found\"}";
                if (path.equals(alice + "/conversations/" + CONVERSATION)) {
                    status = 200;
                    body = "{\"conversationId\":\"" + CONVERSATION + "\",\"turns\":["
                            + "{\"role\":\"user\",\"text\":\"I live in Lyon.\",\"at\":\"2026-12-01T10:00:00Z\"},"
                            + "{\"role\":\"tool-call\",\"text\":\"Weather in Lyon\",\"at\":\"2026-12-01T10:00:01Z\"},"
                            + "{\"role\":\"assistant\",\"text\":\"Noted: Lyon.\",\"at\":\"2026-12-01T10:00:02Z\"}]}";
                } else if (path.equals(alice + "/profile")) {
                    status = 200;
                    body = "{\"homeCity\":{\"value\":\"Lyon\",\"source\":\"learned\"}}";
                } else if (path.equals(alice) && exchange.getRequestMethod().equals("DELETE")) {
                    status = 204;
                    body = "";
                }
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
            server.start();
            return server;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
