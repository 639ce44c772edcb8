package dev.agentmesh.gateway.access;

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

import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** Who may connect, and what one client may cost: credentials, Origins, sessions, event rate, size, duration. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.main.web-application-type=reactive",
        "gateway.instance-id=access-it",
        "gateway.access.mode=token",
        "gateway.access.tokens=good-token-1,good-token-2",
        "gateway.access.max-sessions-per-client=2",
        "gateway.access.events-per-second=20",
        "gateway.access.burst=20",
        "gateway.access.max-session-duration=4s",
        "gateway.limits.max-message-size=1MB",
        "gateway.limits.allowed-origins=http://allowed.example"})
@Import(KafkaTestConfig.class)
class AccessIT {

    private static final ScriptedUpstream UPSTREAM = ScriptedUpstream.start();

    @DynamicPropertySource
    static void upstream(DynamicPropertyRegistry registry) {
        registry.add("gateway.upstream.url", UPSTREAM::url);
    }

    @LocalServerPort
    int port;

    @AfterAll
    static void stopUpstream() throws Exception {
        UPSTREAM.close();
    }

    @Test
    void aClientWithoutAValidCredentialIsRefusedAtTheHandshake() {
        assertThat(refusal(Map.of())).isEqualTo(401);
        assertThat(refusal(Map.of("Authorization", "Bearer wrong-token"))).isEqualTo(401);
    }

    @Test
    void theCredentialMayComeAsHeaderSubprotocolOrQueryParameterAndNeverGoesUpstream() {
        try (RealtimeTestClient header = RealtimeTestClient.connect(url(""),
                Map.of("Authorization", "Bearer good-token-1"))) {
            header.awaitEvent("session.created");
        }
        try (RealtimeTestClient browser = RealtimeTestClient.connect(url(""), Map.of(),
                "realtime", "openai-insecure-api-key.good-token-2")) {
            browser.awaitEvent("session.created");
            assertThat(browser.subprotocol()).isEqualTo("realtime");
        }
        try (RealtimeTestClient query = RealtimeTestClient.connect(url("?access_token=good-token-1"))) {
            query.awaitEvent("session.created");
        }
        assertThat(UPSTREAM.authorizations()).noneMatch(value -> value.contains("good-token"));
        assertThat(UPSTREAM.received()).noneMatch(event -> event.contains("good-token"));
    }

    @Test
    void browsersFromOtherOriginsAreRefused() {
        assertThat(refusal(Map.of("Authorization", "Bearer good-token-1", "Origin", "http://evil.example")))
                .isEqualTo(403);
        try (RealtimeTestClient allowed = RealtimeTestClient.connect(url(""),
                Map.of("Authorization", "Bearer good-token-1", "Origin", "http://allowed.example"))) {
            allowed.awaitEvent("session.created");
        }
    }

    @Test
    void originsMustMatchExactly() {
        Map<String, String> token = Map.of("Authorization", "Bearer good-token-1");
        // browsers send an Origin in lower case, so another spelling can only come from a client that could omit it
        for (String lookAlike : List.of("null", "http://allowed.example.evil.example", "http://evil-allowed.example",
                "http://allowed.exampl", "https://allowed.example", "http://allowed.example:8080",
                "http://sub.allowed.example", "HTTP://ALLOWED.EXAMPLE")) {
            assertThat(refusal(with(token, "Origin", lookAlike))).as(lookAlike).isEqualTo(403);
        }
        // the same origin with a trailing slash (no browser sends one) is still that origin
        for (String same : List.of("http://allowed.example", "http://allowed.example/")) {
            try (RealtimeTestClient allowed = RealtimeTestClient.connect(url(""), with(token, "Origin", same))) {
                allowed.awaitEvent("session.created");
            }
        }
        // no Origin: not a browser, so the credential alone decides
        try (RealtimeTestClient server = RealtimeTestClient.connect(url(""), token)) {
            server.awaitEvent("session.created");
        }
    }

    @Test
    void aClientHoldsAtMostItsLimitOfSessions() throws Exception {
        Map<String, String> token = Map.of("Authorization", "Bearer good-token-2");
        try (RealtimeTestClient first = RealtimeTestClient.connect(url(""), token);
             RealtimeTestClient second = RealtimeTestClient.connect(url(""), token)) {
            first.awaitEvent("session.created");
            second.awaitEvent("session.created");

            RealtimeTestClient third = RealtimeTestClient.connect(url(""), token);
            third.awaitEvent("error", event -> event.contains("session_limit_reached"), Duration.ofSeconds(10));
            assertThat(third.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1008);

            try (RealtimeTestClient otherClient = RealtimeTestClient.connect(url(""),
                    Map.of("Authorization", "Bearer good-token-1"))) {
                otherClient.awaitEvent("session.created");
            }
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (RealtimeTestClient again = RealtimeTestClient.connect(url(""), token)) {
                again.awaitEvent("session.created");
            }
        });
    }

    @Test
    void aFloodOfAppendsIsRefusedWithAClearErrorAndTheSessionGoesOn() {
        try (RealtimeTestClient client = RealtimeTestClient.connect(url(""),
                Map.of("Authorization", "Bearer good-token-1"))) {
            client.awaitEvent("session.created");
            UPSTREAM.forget();
            for (int i = 0; i < 300; i++) {
                client.send("{\"type\":\"input_audio_buffer.append\",\"audio\":\"AAAA\",\"event_id\":\"flood_" + i + "\"}");
            }

            client.awaitEvent("error", event -> event.contains("rate_limit_exceeded"), Duration.ofSeconds(10));
            await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                    .until(() -> UPSTREAM.received("input_audio_buffer.append").size() >= 20);
            assertThat(UPSTREAM.received("input_audio_buffer.append").size()).isLessThan(100);

            await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                client.send("{\"type\":\"input_audio_buffer.clear\",\"event_id\":\"after_flood\"}");
                assertThat(UPSTREAM.received("input_audio_buffer.clear")).anyMatch(e -> e.contains("after_flood"));
            });
        }
    }

    @Test
    void anOversizedMessageInPartsClosesTheSessionWithMessageTooBig() throws Exception {
        RealtimeTestClient client = RealtimeTestClient.connect(url(""), Map.of("Authorization", "Bearer good-token-2"));
        client.awaitEvent("session.created");

        String half = "A".repeat(600 * 1024);
        try {
            client.sendInParts("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + half, half, "\"}");
        } catch (CompletionException closedWhileSending) {
            // the gateway may close before the last part is written
        }

        assertThat(client.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1009);
        assertThat(client.received("error")).anyMatch(event -> event.contains("message_too_large"));
    }

    @Test
    void anOversizedFrameClosesTheSessionWithMessageTooBig() throws Exception {
        RealtimeTestClient client = RealtimeTestClient.connect(url(""), Map.of("Authorization", "Bearer good-token-2"));
        client.awaitEvent("session.created");

        try {
            client.send("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + "A".repeat(2 * 1024 * 1024) + "\"}");
        } catch (CompletionException closedWhileSending) {
            // the gateway may close before the whole frame is written
        }

        assertThat(client.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1009);
        assertThat(client.received("error")).anyMatch(event -> event.contains("message_too_large"));
    }

    @Test
    void aSessionEndsWithSessionExpiredAfterItsMaximumDuration() throws Exception {
        RealtimeTestClient client = RealtimeTestClient.connect(url(""), Map.of("Authorization", "Bearer good-token-1"));
        client.awaitEvent("session.created");

        client.awaitEvent("error", event -> event.contains("session_expired"), Duration.ofSeconds(15));
        assertThat(client.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1000);
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.put(name, value);
        return all;
    }

    private String url(String query) {
        return "ws://127.0.0.1:" + port + "/v1/realtime" + query;
    }

    private int refusal(Map<String, String> headers) {
        Throwable thrown = catchThrowable(() -> RealtimeTestClient.connect(url(""), headers));
        Throwable cause = thrown instanceof CompletionException ? thrown.getCause() : thrown;
        assertThat(cause).isInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) cause).getResponse().statusCode();
    }
}
