package dev.agentmesh.emulator.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Transcription of committed user audio: the API's events and order, honest about what it cannot recognise. */
class InputTranscriptionTests {

    private static final String LYON = "I live in Lyon.";
    private static final String PARIS = "What's the weather in Paris and any news about France?";
    private static final String MANUAL_TURNS = "\"turn_detection\":null";
    private static final String TOOLS = """
            "tools":[{"type":"function","name":"ask_agents","description":"Ask the weather and news agents",
              "parameters":{"type":"object","properties":{"question":{"type":"string"}},"required":["question"]}}]""";

    private final SessionHarness harness = new SessionHarness();

    @Test
    void transcriptionIsOffByDefaultYetTheModelUnderstandsAPhraseItKnows() {
        harness.send("{\"type\":\"session.update\",\"session\":{" + TOOLS + ",\"audio\":{\"input\":{" + MANUAL_TURNS + "}}}}");
        appendIn20MsChunks(SessionHarness.VOICE.synthesize(PARIS));
        harness.send("{\"type\":\"input_audio_buffer.commit\"}").send("{\"type\":\"response.create\"}").runAll();

        assertThat(harness.last("session.updated").at("/session/audio/input/transcription").isNull()).isTrue();
        assertThat(harness.types()).noneMatch(type -> type.startsWith("conversation.item.input_audio_transcription"));
        JsonNode call = harness.last("response.output_item.done").get("item");
        assertThat(call.get("type").asString()).isEqualTo("function_call");
        assertThat(JsonMapper.builder().build().readTree(call.get("arguments").asString()).get("question").asString())
                .isEqualTo(PARIS);
    }

    @Test
    void manualCommitOfAKnownPhraseStreamsItsTranscriptAfterTheCommit() {
        harness.send(transcriptionOn("{\"model\":\"gpt-4o-mini-transcribe\",\"language\":\"en\"}"));
        appendIn20MsChunks(SessionHarness.VOICE.synthesize(LYON));

        harness.send("{\"type\":\"input_audio_buffer.commit\"}").runAll();

        String itemId = harness.last("input_audio_buffer.committed").get("item_id").asString();
        assertThat(harness.types()).containsSubsequence("input_audio_buffer.committed", "conversation.item.added",
                "conversation.item.done", "conversation.item.input_audio_transcription.delta",
                "conversation.item.input_audio_transcription.completed");
        assertThat(harness.last("conversation.item.done").at("/item/content/0/transcript").isNull()).isTrue();
        List<JsonNode> deltas = harness.all("conversation.item.input_audio_transcription.delta");
        assertThat(deltas).hasSizeGreaterThan(1).allSatisfy(delta -> {
            assertThat(delta.get("item_id").asString()).isEqualTo(itemId);
            assertThat(delta.get("content_index").asInt()).isZero();
        });
        assertThat(String.join("", deltas.stream().map(delta -> delta.get("delta").asString()).toList())).isEqualTo(LYON);
        JsonNode completed = harness.last("conversation.item.input_audio_transcription.completed");
        assertThat(completed.get("item_id").asString()).isEqualTo(itemId);
        assertThat(completed.get("content_index").asInt()).isZero();
        assertThat(completed.get("transcript").asString()).isEqualTo(LYON);
        assertThat(completed.at("/usage/type").asString()).isEqualTo("tokens");
        assertThat(completed.at("/usage/input_token_details/audio_tokens").asInt()).isPositive();
        assertThat(completed.at("/usage/total_tokens").asInt()).isEqualTo(
                completed.at("/usage/input_tokens").asInt() + completed.at("/usage/output_tokens").asInt());

        harness.send("{\"type\":\"conversation.item.retrieve\",\"item_id\":\"" + itemId + "\"}").runAll();
        assertThat(harness.last("conversation.item.retrieved").at("/item/content/0/transcript").asString()).isEqualTo(LYON);
    }

    @Test
    void whisperSendsTheWholeTranscriptInOneDeltaAndBillsByDuration() {
        harness.send(transcriptionOn("{\"model\":\"whisper-1\"}"));
        byte[] audio = SessionHarness.VOICE.synthesize(LYON);
        appendIn20MsChunks(audio);

        harness.send("{\"type\":\"input_audio_buffer.commit\"}").runAll();

        assertThat(harness.all("conversation.item.input_audio_transcription.delta"))
                .singleElement().satisfies(delta -> assertThat(delta.get("delta").asString()).isEqualTo(LYON));
        JsonNode usage = harness.last("conversation.item.input_audio_transcription.completed").get("usage");
        assertThat(usage.get("type").asString()).isEqualTo("duration");
        assertThat(usage.get("seconds").asDouble()).isCloseTo(audio.length / 48_000.0, org.assertj.core.data.Offset.offset(0.05));
    }

    @Test
    void speechItCannotRecogniseFailsHonestlyAndTheAnswerSaysSo() {
        harness.send(transcriptionOn("{\"model\":\"gpt-4o-transcribe\"}"));
        appendIn20MsChunks(SessionHarness.VOICE.synthesize("Please book a table for two at eight."));

        harness.send("{\"type\":\"input_audio_buffer.commit\"}").send("{\"type\":\"response.create\"}").runAll();

        String itemId = harness.last("input_audio_buffer.committed").get("item_id").asString();
        JsonNode failed = harness.last("conversation.item.input_audio_transcription.failed");
        assertThat(failed.get("item_id").asString()).isEqualTo(itemId);
        assertThat(failed.get("content_index").asInt()).isZero();
        assertThat(failed.at("/error/type").asString()).isEqualTo("server_error");
        assertThat(failed.at("/error/code").asString()).isEqualTo("transcription_unavailable");
        assertThat(failed.at("/error/message").asString()).contains("only recognises phrases it can synthesise");
        assertThat(failed.at("/error/param").isNull()).isTrue();
        assertThat(harness.types()).doesNotContain("conversation.item.input_audio_transcription.completed",
                "conversation.item.input_audio_transcription.delta");
        assertThat(harness.last("response.output_audio_transcript.done").get("transcript").asString())
                .contains("could not make out what you said").contains("Please type");
    }

    @Test
    void voiceActivityCommitTranscribesAndTheAnswerUsesWhatWasSaid() {
        harness.send("{\"type\":\"session.update\",\"session\":{" + TOOLS
                + ",\"audio\":{\"input\":{\"transcription\":{\"model\":\"gpt-4o-transcribe\"}}}}}");
        appendIn20MsChunks(silence(400));
        appendIn20MsChunks(SessionHarness.VOICE.synthesize(PARIS));
        appendIn20MsChunks(silence(900));
        harness.runAll();

        assertThat(harness.types()).containsSubsequence("input_audio_buffer.speech_started",
                "input_audio_buffer.speech_stopped", "input_audio_buffer.committed", "conversation.item.done",
                "response.created", "conversation.item.input_audio_transcription.completed", "response.done");
        assertThat(harness.last("conversation.item.input_audio_transcription.completed").get("transcript").asString())
                .isEqualTo(PARIS);
        assertThat(harness.last("response.function_call_arguments.done").get("arguments").asString()).contains(PARIS);
    }

    @Test
    void aSentenceTheEmulatorHasSpokenIsRecognisedWhenHeardBack() {
        String sentence = "How can I help you today?";
        harness.send(transcriptionOn("{\"model\":\"gpt-4o-transcribe\"}"));
        appendIn20MsChunks(SessionHarness.VOICE.synthesize(sentence));
        harness.send("{\"type\":\"input_audio_buffer.commit\"}").runAll();
        assertThat(harness.types()).contains("conversation.item.input_audio_transcription.failed");
        harness.clear();

        harness.send(SessionHarness.userText("hello")).send("{\"type\":\"response.create\"}").runAll();
        assertThat(harness.last("response.output_audio_transcript.done").get("transcript").asString()).contains(sentence);
        appendIn20MsChunks(SessionHarness.VOICE.synthesize(sentence));
        harness.send("{\"type\":\"input_audio_buffer.commit\"}").runAll();

        assertThat(harness.last("conversation.item.input_audio_transcription.completed").get("transcript").asString())
                .isEqualTo(sentence);
    }

    @Test
    void transcriptionSettingsAreValidatedAndEchoedInTheGaShape() {
        harness.send(transcriptionOn("{\"model\":\"gpt-4o-transcribe\",\"prompt\":\"weather words\"}")).runAll();
        assertThat(harness.last("session.updated").at("/session/audio/input/transcription").toString())
                .isEqualTo("{\"model\":\"gpt-4o-transcribe\",\"language\":null,\"prompt\":\"weather words\"}");

        harness.send(transcriptionOn("{\"model\":\"speech-recogniser-9000\"}").replace("{\"type\"", "{\"event_id\":\"e1\",\"type\""))
                .send(transcriptionOn("{\"model\":\"whisper-1\",\"temperature\":0}"))
                .send(transcriptionOn("{\"model\":\"whisper-1\",\"language\":\"English\"}"))
                .send(transcriptionOn("{\"model\":\"whisper-1\",\"delay\":\"low\"}"))
                .send(transcriptionOn("\"whisper-1\"")).runAll();

        List<JsonNode> errors = harness.all("error").stream().map(event -> event.get("error")).toList();
        assertThat(errors).extracting(error -> error.get("param").asString()).containsExactly(
                "session.audio.input.transcription.model", "session.audio.input.transcription.temperature",
                "session.audio.input.transcription.language", "session.audio.input.transcription.delay",
                "session.audio.input.transcription");
        assertThat(errors.getFirst().get("code").asString()).isEqualTo("invalid_value");
        assertThat(errors.getFirst().get("event_id").asString()).isEqualTo("e1");
        assertThat(errors.get(1).get("code").asString()).isEqualTo("unknown_parameter");
        assertThat(harness.all("session.updated")).hasSize(1);

        harness.send("{\"type\":\"session.update\",\"session\":{\"audio\":{\"input\":{\"transcription\":null}}}}").runAll();
        assertThat(harness.last("session.updated").at("/session/audio/input/transcription").isNull()).isTrue();
    }

    private String transcriptionOn(String settings) {
        return "{\"type\":\"session.update\",\"session\":{\"audio\":{\"input\":{" + MANUAL_TURNS
                + ",\"transcription\":" + settings + "}}}}";
    }

    private void appendIn20MsChunks(byte[] pcm) {
        for (int from = 0; from < pcm.length; from += 960) {
            byte[] chunk = Arrays.copyOfRange(pcm, from, Math.min(pcm.length, from + 960));
            harness.send("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + Base64.getEncoder().encodeToString(chunk) + "\"}");
        }
    }

    private static byte[] silence(int ms) {
        return new byte[ms * 48];
    }
}
