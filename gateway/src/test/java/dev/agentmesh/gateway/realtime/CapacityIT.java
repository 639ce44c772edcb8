package dev.agentmesh.gateway.realtime;

import dev.agentmesh.gateway.RealtimeTestClient;
import dev.agentmesh.gateway.ScriptedUpstream;
import dev.agentmesh.testing.KafkaTestConfig;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Overload is explicit: a full gateway refuses new sessions at the handshake with 503 and a JSON error, and turns
 * unready until it has room; a session whose audio waits too long in the gateway is told so. Real sockets.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.main.web-application-type=reactive",
        "gateway.instance-id=capacity-it",
        "gateway.capacity.max-sessions=2",
        // the test JVM's CPU is the broker's and the test's too, not the gateway's
        "gateway.capacity.max-cpu=1.0",
        "gateway.capacity.max-audio-lag=300ms",
        // one session behind is enough here (the default asks for 3 and a quarter of the sessions)
        "gateway.capacity.min-behind-sessions=1",
        "gateway.limits.client-queue=256MB"})
@Import(KafkaTestConfig.class)
class CapacityIT {

    private static final ScriptedUpstream UPSTREAM = ScriptedUpstream.start();

    @DynamicPropertySource
    static void upstream(DynamicPropertyRegistry registry) {
        registry.add("gateway.upstream.url", UPSTREAM::url);
    }

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @AfterAll
    static void stopUpstream() throws Exception {
        UPSTREAM.close();
    }

    @Test
    void aFullGatewayRefusesNewSessionsWith503AndIsUnreadyUntilOneLeaves() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> readiness() == 200);
        List<RealtimeTestClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                RealtimeTestClient client = connect();
                client.awaitEvent("session.created");
                open.add(client);
            }

            String refused = handshake();

            assertThat(refused).startsWith("HTTP/1.1 503");
            assertThat(refused).containsIgnoringCase("Retry-After: " + CapacityGuard.RETRY_AFTER_SECONDS);
            assertThat(refused).contains("\"type\":\"error\"").contains("\"code\":\"at_capacity\"")
                    .contains("2 sessions of 2");
            await().atMost(Duration.ofSeconds(10)).until(() -> readiness() == 503);
            assertThat(meters.counter("gateway.refusals", "code", "at_capacity").count()).isGreaterThanOrEqualTo(1);

            open.removeFirst().close();

            await().atMost(Duration.ofSeconds(10)).until(() -> readiness() == 200);
            try (RealtimeTestClient again = connect()) {
                again.awaitEvent("session.created");
            }
        } finally {
            open.forEach(RealtimeTestClient::close);
        }
    }

    @Test
    void aSessionWhoseAudioWaitsInTheGatewayIsToldItIsFallingBehindAndGoesOnWhileTheGatewayIsUnready()
            throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> readiness() == 200);
        try (RealtimeTestClient client = connect()) {
            client.awaitEvent("session.created");
            double before = meters.counter("gateway.relay.falling_behind").count();
            client.stopReading();
            // far more audio than the sockets' buffers hold: the rest waits in the gateway
            String chunk = "A".repeat(256 * 1024);
            for (int i = 0; i < 120; i++) {
                UPSTREAM.send("{\"type\":\"response.output_audio.delta\",\"response_id\":\"resp_lag\",\"item_id\":"
                        + "\"item_lag\",\"output_index\":0,\"content_index\":0,\"delta\":\"" + chunk + "\"}");
            }
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> meters.counter("gateway.relay.falling_behind").count() > before);
            // the lag signal: every session (1 of 1) behind real time, though the CPU signal is off
            await().atMost(Duration.ofSeconds(10)).until(() -> readiness() == 503);
            String refused = handshake();
            assertThat(refused).startsWith("HTTP/1.1 503").contains("\"code\":\"at_capacity\"")
                    .contains("1 of 1 sessions behind real time by over 300 ms");
            assertThat(meters.get("gateway.capacity.sessions.behind").gauge().value()).isEqualTo(1.0);

            client.resumeReading();

            String notice = client.awaitEvent("error", event -> event.contains("falling_behind"),
                    Duration.ofSeconds(30));
            assertThat(notice).contains("ms behind real time");
            // the session goes on: the queued audio still arrives, and the socket stays open
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> client.received("response.output_audio.delta").size() == 120);
            assertThat(client.closeCode()).isNotDone();
            assertThat(client.received("error")).as("told once, not once per message").hasSize(1);
            // caught up: room again
            await().atMost(Duration.ofSeconds(10)).until(() -> readiness() == 200);
        }
    }

    private RealtimeTestClient connect() {
        return RealtimeTestClient.connect("ws://127.0.0.1:" + port + "/v1/realtime");
    }

    private int readiness() throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/actuator/health/readiness")).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    /** A WebSocket upgrade request written by hand, so that the refusal's status, headers and body can be read. */
    private String handshake() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(10));
            OutputStream out = socket.getOutputStream();
            out.write(("GET /v1/realtime HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            int read;
            try {
                while ((read = in.read(buffer)) > 0) {
                    response.write(buffer, 0, read);
                    String text = response.toString(StandardCharsets.UTF_8);
                    if (text.contains("\r\n\r\n") && (text.endsWith("}") || text.endsWith("0\r\n\r\n"))) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                // whatever arrived is the answer
            }
            return response.toString(StandardCharsets.UTF_8);
        }
    }
}
