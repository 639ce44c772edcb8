package dev.agentmesh.gateway.realtime;

import dev.agentmesh.gateway.GatewayApplication;
import dev.agentmesh.gateway.RealtimeTestClient;
import dev.agentmesh.gateway.ScriptedUpstream;
import dev.agentmesh.testing.TestKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A gateway that shuts down drains: it turns unready, refuses new sessions, tells connected clients to reconnect
 * (naming their conversation) and closes what is left with 1012 when the drain time is up.
 */
class DrainIT {

    private static final ScriptedUpstream UPSTREAM = ScriptedUpstream.start();

    @AfterAll
    static void stopUpstream() throws Exception {
        UPSTREAM.close();
    }

    @Test
    void aShuttingDownGatewayTellsClientsToReconnectRefusesNewSessionsAndClosesTheRestWith1012() throws Exception {
        ConfigurableApplicationContext gateway = new SpringApplicationBuilder(GatewayApplication.class).run(
                "--server.port=0", "--spring.main.banner-mode=off",
                "--spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(),
                "--gateway.instance-id=drain-it", "--gateway.upstream.url=" + UPSTREAM.url(),
                "--gateway.drain-timeout=4s");
        String port = gateway.getEnvironment().getProperty("local.server.port");
        RealtimeTestClient client = RealtimeTestClient.connect("ws://127.0.0.1:" + port + "/v1/realtime");
        client.awaitEvent("session.created");

        CompletableFuture<Void> shutdown = CompletableFuture.runAsync(gateway::close);

        String notice = client.awaitEvent("error", event -> event.contains("server_shutting_down"),
                Duration.ofSeconds(10));
        assertThat(notice).contains("conversation_id=conv_");
        HttpResponse<String> readiness = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(readiness.statusCode()).isEqualTo(503);
        RealtimeTestClient late = RealtimeTestClient.connect("ws://127.0.0.1:" + port + "/v1/realtime");
        late.awaitEvent("error", event -> event.contains("server_shutting_down"), Duration.ofSeconds(10));
        assertThat(late.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1008);

        assertThat(client.closeCode().get(15, TimeUnit.SECONDS)).isEqualTo(SessionDrain.CLOSE_RESTART);
        shutdown.get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> UPSTREAM.openSessions() == 0);
    }
}
