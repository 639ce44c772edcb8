package dev.agentmesh.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** Spoken turns over a real WebSocket, audio sent as a browser client sends it: 20 ms appends. */
class TranscriptionIT {

    private static final String MANUAL_TRANSCRIBED = """
            {"type":"session.update","session":{"type":"realtime","audio":{"input":{"turn_detection":null,
             "transcription":{"model":"gpt-4o-mini-transcribe","language":"en"}}}}}""";

    private static RealtimeEmulator emulator;

    @BeforeAll
    static void startEmulator() {
        emulator = RealtimeEmulator.start();
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @Test
    void aConfiguredPhraseSentIn20MsChunksIsTranscribed() {
        try (RealtimeClient client = RealtimeClient.connect(emulator.url(), handshake -> { })) {
            client.awaitEvent("session.created");
            client.send(MANUAL_TRANSCRIBED);
            client.awaitEvent("session.updated");

            appendIn20MsChunks(client, emulator.speech("I live in Lyon."));
            client.send("{\"type\":\"input_audio_buffer.commit\"}");

            String itemId = client.awaitEvent("input_audio_buffer.committed").get("item_id").asString();
            JsonNode completed = client.awaitEvent("conversation.item.input_audio_transcription.completed");
            assertThat(completed.get("item_id").asString()).isEqualTo(itemId);
            assertThat(completed.get("content_index").asInt()).isZero();
            assertThat(completed.get("transcript").asString()).isEqualTo("I live in Lyon.");
            assertThat(completed.at("/usage/type").asString()).isEqualTo("tokens");
            assertThat(client.types()).containsSubsequence("input_audio_buffer.committed",
                    "conversation.item.input_audio_transcription.delta",
                    "conversation.item.input_audio_transcription.completed");
        }
    }

    @Test
    void speechTheEmulatorCannotRecogniseGetsFailed() {
        try (RealtimeClient client = RealtimeClient.connect(emulator.url(), handshake -> { })) {
            client.awaitEvent("session.created");
            client.send(MANUAL_TRANSCRIBED);

            appendIn20MsChunks(client, emulator.speech("Please book me a flight to Rome on Friday."));
            client.send("{\"type\":\"input_audio_buffer.commit\"}");

            JsonNode failed = client.awaitEvent("conversation.item.input_audio_transcription.failed");
            assertThat(failed.get("item_id").asString())
                    .isEqualTo(client.last("input_audio_buffer.committed").get("item_id").asString());
            assertThat(failed.at("/error/code").asString()).isEqualTo("transcription_unavailable");
            assertThat(failed.at("/error/message").asString()).contains("only recognises phrases it can synthesise");
            assertThat(client.types()).doesNotContain("conversation.item.input_audio_transcription.completed");
        }
    }

    @Test
    void withTranscriptionOffThereAreNoTranscriptionEvents() {
        try (RealtimeClient client = RealtimeClient.connect(emulator.url(), handshake -> { })) {
            client.awaitEvent("session.created");
            client.send("{\"type\":\"session.update\",\"session\":{\"audio\":{\"input\":{\"turn_detection\":null}}}}");

            appendIn20MsChunks(client, emulator.speech("I live in Lyon."));
            client.send("{\"type\":\"input_audio_buffer.commit\"}").send("{\"type\":\"response.create\"}");
            // transcription would have been reported before this response finished
            client.awaitEvent("response.done");

            assertThat(client.last("session.updated").at("/session/audio/input/transcription").isNull()).isTrue();
            assertThat(client.types()).contains("input_audio_buffer.committed")
                    .noneMatch(type -> type.startsWith("conversation.item.input_audio_transcription"));
        }
    }

    @Test
    void theSpeechEndpointServesAWavThatIsRecognisedAfterVoiceActivityDetection() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<byte[]> wav = http.send(HttpRequest.newBuilder(emulator.speechUrl("I follow Formula 1.")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(wav.statusCode()).isEqualTo(200);
        assertThat(wav.headers().firstValue("Content-Type")).hasValue("audio/wav");
        ByteBuffer header = ByteBuffer.wrap(wav.body()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(wav.body(), 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        assertThat(header.getShort(22)).as("channels").isEqualTo((short) 1);
        assertThat(header.getInt(24)).as("sample rate").isEqualTo(24_000);
        assertThat(header.getShort(34)).as("bits per sample").isEqualTo((short) 16);
        byte[] pcm = Arrays.copyOfRange(wav.body(), 44, wav.body().length);

        try (RealtimeClient client = RealtimeClient.connect(emulator.url(), handshake -> { })) {
            client.awaitEvent("session.created");
            client.send("""
                    {"type":"session.update","session":{"audio":{"input":{"transcription":{"model":"whisper-1"}}}}}""");
            appendIn20MsChunks(client, pcm);

            assertThat(client.awaitEvent("conversation.item.input_audio_transcription.completed").get("transcript").asString())
                    .isEqualTo("I follow Formula 1.");
            assertThat(client.types()).containsSubsequence("input_audio_buffer.speech_started",
                    "input_audio_buffer.speech_stopped", "input_audio_buffer.committed");
        }

        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + emulator.port() + "/v1/emulator/speech")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(400);
    }

    @Test
    void aPhraseAddedOverHttpBecomesRecognisable() throws Exception {
        String phrase = "Remind me to water the plants.";
        HttpResponse<Void> learned = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + emulator.port() + "/v1/emulator/phrases?text="
                        + java.net.URLEncoder.encode(phrase, java.nio.charset.StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(learned.statusCode()).isEqualTo(204);

        try (RealtimeClient client = RealtimeClient.connect(emulator.url(), handshake -> { })) {
            client.awaitEvent("session.created");
            client.send(MANUAL_TRANSCRIBED);
            appendIn20MsChunks(client, emulator.speech(phrase));
            client.send("{\"type\":\"input_audio_buffer.commit\"}");

            assertThat(client.awaitEvent("conversation.item.input_audio_transcription.completed").get("transcript").asString())
                    .isEqualTo(phrase);
        }
    }

    private static void appendIn20MsChunks(RealtimeClient client, byte[] pcm) {
        for (int from = 0; from < pcm.length; from += 960) {
            byte[] chunk = Arrays.copyOfRange(pcm, from, Math.min(pcm.length, from + 960));
            client.send("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + Base64.getEncoder().encodeToString(chunk) + "\"}");
        }
    }
}
