package dev.agentmesh.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The standalone service: WebSocket endpoint and readiness probe on the same port. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RealtimeEmulatorApplicationTests {

    @LocalServerPort
    int port;

    @Test
    void reportsReadyAndOpensRealtimeSessions() throws Exception {
        HttpResponse<String> readiness = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(readiness.body()).contains("UP");

        try (RealtimeClient client = RealtimeClient.connect(URI.create("ws://127.0.0.1:" + port + "/v1/realtime"),
                handshake -> { })) {
            assertThat(client.awaitEvent("session.created").at("/session/object").asString()).isEqualTo("realtime.session");
        }
    }
}
