package dev.agentmesh.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Base64;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.agentmesh.emulator.audio.Pcm16;
import tools.jackson.databind.JsonNode;

/** The library as other modules use it: a real server on a real socket, driven by the JDK WebSocket client. */
class RealtimeEmulatorIT {

    private static RealtimeEmulator emulator;

    @BeforeAll
    static void startEmulator() {
        emulator = RealtimeEmulator.start();
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    private static URI withModel(String model) {
        return URI.create(emulator.url() + "?model=" + model);
    }

    @Test
    void serverKeyConnectionGetsTheSessionAndASpokenGreeting() {
        try (RealtimeClient client = RealtimeClient.connect(withModel("gpt-realtime-2025-08-28"),
                handshake -> handshake.header("Authorization", "Bearer sk-server-key"))) {
            JsonNode session = client.awaitEvent("session.created").get("session");
            assertThat(session.get("model").asString()).isEqualTo("gpt-realtime-2025-08-28");
            assertThat(emulator.credentials()).contains("sk-server-key");

            client.send("""
                    {"type":"conversation.item.create","item":{"type":"message","role":"user",
                     "content":[{"type":"input_text","text":"Hello!"}]}}""")
                    .send("{\"type\":\"response.create\"}");
            JsonNode done = client.awaitEvent("response.done").get("response");

            assertThat(done.get("status").asString()).isEqualTo("completed");
            assertThat(client.types()).containsSubsequence("conversation.item.added", "conversation.item.done",
                    "response.created", "response.output_item.added", "conversation.item.added",
                    "response.content_part.added", "response.output_audio_transcript.delta",
                    "response.output_audio.delta", "response.output_audio.done",
                    "response.output_audio_transcript.done", "response.content_part.done",
                    "response.output_item.done", "response.done");
            byte[] pcm = Base64.getDecoder().decode(client.all("response.output_audio.delta").get(1).get("delta").asString());
            short[] samples = Pcm16.toSamples(pcm);
            assertThat(pcm.length % 2).isZero();
            assertThat(Pcm16.rms(samples, 0, samples.length)).isGreaterThan(0.005);
            assertThat(emulator.receivedEventTypes()).containsSubsequence("conversation.item.create", "response.create");
        }
    }

    @Test
    void libraryModeIgnoresAutoConfigurationsOnTheHostClasspath() throws Exception {
        // actuator is on this module's classpath; an embedded emulator must not expose it
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + emulator.port() + "/actuator/health")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
    }

    @Test
    void browserSubprotocolsSelectRealtimeAndCarryTheKey() {
        try (RealtimeClient client = RealtimeClient.connect(emulator.url(),
                handshake -> handshake.subprotocols("realtime", "openai-insecure-api-key.ek_browser_secret"))) {
            client.awaitEvent("session.created");

            assertThat(client.socket.getSubprotocol()).isEqualTo("realtime");
            assertThat(emulator.credentials()).contains("ek_browser_secret");
            assertThat(client.last("session.created").at("/session/model").asString()).isEqualTo("gpt-realtime");
        }
    }

    @Test
    void weatherQuestionGoesThroughAToolCallAndTheAgentsAnswersAreSpoken() {
        try (RealtimeClient client = RealtimeClient.connect(emulator.url(), handshake -> { })) {
            client.awaitEvent("session.created");
            client.send("""
                    {"type":"session.update","session":{"type":"realtime","output_modalities":["text"],"tools":[
                      {"type":"function","name":"ask_agents","description":"Ask the weather and news agents",
                       "parameters":{"type":"object","properties":{"question":{"type":"string"}},"required":["question"]}}]}}""")
                    .send("""
                    {"type":"conversation.item.create","item":{"type":"message","role":"user",
                     "content":[{"type":"input_text","text":"What's the forecast for Paris?"}]}}""")
                    .send("{\"type\":\"response.create\"}");
            await().atMost(Duration.ofSeconds(20)).until(() -> client.types().contains("response.done"));
            JsonNode call = client.last("response.output_item.done").get("item");
            assertThat(call.get("type").asString()).isEqualTo("function_call");
            assertThat(call.get("arguments").asString()).contains("What's the forecast for Paris?");
            client.clear();

            client.send("""
                    {"type":"conversation.item.create","item":{"type":"function_call_output","call_id":"%s",
                     "output":"{\\"agents\\":[{\\"name\\":\\"weather\\",\\"status\\":\\"answered\\",\\"answer\\":\\"Paris: 18°C, light rain.\\"}]}"}}"""
                    .formatted(call.get("call_id").asString()))
                    .send("{\"type\":\"response.create\"}");

            JsonNode text = client.awaitEvent("response.output_text.done");
            assertThat(text.get("text").asString()).contains("Paris: 18°C, light rain.");
            assertThat(client.awaitEvent("response.done").at("/response/status").asString()).isEqualTo("completed");
        }
    }

    @Test
    void largeAudioAppendIsAcceptedAndVoiceActivityIsDetected() {
        try (RealtimeClient client = RealtimeClient.connect(emulator.url(), handshake -> { })) {
            client.awaitEvent("session.created");
            short[] samples = new short[24_000 * 20];
            for (int i = 0; i < 24_000 * 19; i++) {
                samples[i] = (short) (9000 * Math.sin(2 * Math.PI * 180 * i / 24_000.0));
            }
            String audio = Base64.getEncoder().encodeToString(Pcm16.toBytes(samples));
            assertThat(audio.length()).as("bigger than one container buffer").isGreaterThan(1024 * 1024);

            client.send("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + audio + "\"}");

            assertThat(client.awaitEvent("input_audio_buffer.speech_started").get("audio_start_ms").asInt()).isZero();
            assertThat(client.awaitEvent("input_audio_buffer.speech_stopped").get("audio_end_ms").asInt()).isEqualTo(19_000);
            assertThat(client.awaitEvent("response.output_audio_transcript.done").get("transcript").asString())
                    .contains("Please type");
        }
    }

    @Test
    void malformedJsonGetsAnErrorAndTheSocketStaysOpen() {
        try (RealtimeClient client = RealtimeClient.connect(emulator.url(), handshake -> { })) {
            client.awaitEvent("session.created");

            client.send("{\"event_id\":\"evt_42\",\"type\":\"session.update\",");
            JsonNode error = client.awaitEvent("error").get("error");
            assertThat(error.get("event_id").asString()).isEqualTo("evt_42");

            client.send("{\"type\":\"response.cancel\"}");
            await().atMost(Duration.ofSeconds(10)).until(() -> client.all("error").size() == 2);
            assertThat(client.last("error").at("/error/code").asString()).isEqualTo("response_cancel_not_active");
        }
    }
}
