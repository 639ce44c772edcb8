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

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Budgets on sessions themselves: how many a client may open per minute, and how long one may stay silent. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.main.web-application-type=reactive",
        "gateway.instance-id=session-limits-it",
        "gateway.access.mode=token",
        "gateway.access.tokens=rate-token,idle-token",
        "gateway.limits.connects-per-minute=3",
        "gateway.limits.idle-timeout=2s"})
@Import(KafkaTestConfig.class)
class SessionLimitsIT {

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
    void aClientOpensAtMostItsSessionsPerMinute() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (RealtimeTestClient client = connect("rate-token")) {
                client.awaitEvent("session.created");
            }
        }

        RealtimeTestClient fourth = connect("rate-token");

        fourth.awaitEvent("error", event -> event.contains("connect_rate_exceeded"), Duration.ofSeconds(10));
        assertThat(fourth.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1008);
    }

    @Test
    void aSilentSessionIsClosedAfterTheIdleTimeoutWhileAnActiveOneStays() throws Exception {
        try (RealtimeTestClient active = connect("idle-token")) {
            RealtimeTestClient silent = connect("idle-token");
            active.awaitEvent("session.created");
            silent.awaitEvent("session.created");

            // the active one sends every 300 ms; the silent one sends nothing
            await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(300)).until(() -> {
                active.send("{\"type\":\"input_audio_buffer.clear\"}");
                return silent.closeCode().isDone();
            });

            assertThat(silent.received("error")).anyMatch(event -> event.contains("idle_timeout"));
            assertThat(silent.closeCode().get(1, TimeUnit.SECONDS)).isEqualTo(1000);
            assertThat(active.closeCode()).isNotDone();
            active.send("{\"type\":\"input_audio_buffer.clear\",\"event_id\":\"still_here\"}");
            UPSTREAM.awaitReceived("input_audio_buffer.clear", event -> event.contains("still_here"));
        }
    }

    private RealtimeTestClient connect(String token) {
        return RealtimeTestClient.connect("ws://127.0.0.1:" + port + "/v1/realtime",
                Map.of("Authorization", "Bearer " + token));
    }
}
