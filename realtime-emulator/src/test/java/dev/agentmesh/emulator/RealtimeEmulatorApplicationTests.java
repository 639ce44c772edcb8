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
    void reportsReadyOpensRealtimeSessionsAndServesPhraseAudio() throws Exception {
        HttpResponse<String> readiness = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(readiness.body()).contains("UP");

        HttpResponse<byte[]> speech = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v1/emulator/speech?text=Hello%21&silence_ms=0")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(speech.statusCode()).isEqualTo(200);
        assertThat(speech.headers().firstValue("Content-Type")).hasValue("audio/wav");
        assertThat(speech.body().length).as("header and at least 200 ms of audio").isGreaterThan(44 + 200 * 48);

        try (RealtimeClient client = RealtimeClient.connect(URI.create("ws://127.0.0.1:" + port + "/v1/realtime"),
                handshake -> { })) {
            assertThat(client.awaitEvent("session.created").at("/session/object").asString()).isEqualTo("realtime.session");
        }
    }
}
