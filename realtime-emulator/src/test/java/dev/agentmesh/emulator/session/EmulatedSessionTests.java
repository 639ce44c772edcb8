package dev.agentmesh.emulator.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.agentmesh.emulator.audio.Pcm16;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class EmulatedSessionTests {

    private static final String WEATHER_AND_NEWS_TOOLS = """
            {"type":"session.update","session":{"type":"realtime","tools":[
              {"type":"function","name":"get_news","description":"Latest news headlines about a topic",
               "parameters":{"type":"object","properties":{"topic":{"type":"string"}},"required":["topic"]}},
              {"type":"function","name":"get_weather","description":"Current weather and forecast for a place",
               "parameters":{"type":"object","properties":{"units":{"type":"string","enum":["metric","imperial"]},
                 "question":{"type":"string"}},"required":["units","question"]}}]}}""";

    private final SessionHarness harness = new SessionHarness();

    @Test
    void opensWithAFullGaSessionObject() {
        JsonNode session = harness.last("session.created").get("session");

        assertThat(harness.types()).containsExactly("session.created");
        assertThat(session.get("type").asString()).isEqualTo("realtime");
        assertThat(session.get("object").asString()).isEqualTo("realtime.session");
        assertThat(session.get("id").asString()).startsWith("sess_");
        assertThat(session.get("model").asString()).isEqualTo("gpt-realtime");
        assertThat(session.get("output_modalities").toString()).isEqualTo("[\"audio\"]");
        assertThat(session.at("/audio/input/format").toString()).isEqualTo("{\"type\":\"audio/pcm\",\"rate\":24000}");
        assertThat(session.at("/audio/output/format").toString()).isEqualTo("{\"type\":\"audio/pcm\",\"rate\":24000}");
        assertThat(session.at("/audio/input/turn_detection/type").asString()).isEqualTo("server_vad");
        assertThat(session.at("/audio/input/turn_detection/silence_duration_ms").asInt()).isEqualTo(500);
        assertThat(session.get("tools").isEmpty()).isTrue();
        assertThat(session.get("instructions").asString()).isEmpty();
        assertThat(session.get("tool_choice").asString()).isEqualTo("auto");
    }

    @Test
    void sessionUpdateChangesOnlyThePresentFieldsAndEmptyValuesClear() {
        harness.send("""
                {"type":"session.update","session":{"type":"realtime","instructions":"Be brief.",
                 "tools":[{"type":"function","name":"get_weather","parameters":{"type":"object"}}],
                 "audio":{"output":{"voice":"cedar"}}}}""").runAll();
        JsonNode updated = harness.last("session.updated").get("session");
        assertThat(updated.get("instructions").asString()).isEqualTo("Be brief.");
        assertThat(updated.get("tools")).hasSize(1);
        assertThat(updated.at("/audio/output/voice").asString()).isEqualTo("cedar");
        assertThat(updated.at("/audio/output/format/rate").asInt()).isEqualTo(24000);
        assertThat(updated.at("/audio/input/turn_detection/type").asString()).isEqualTo("server_vad");

        harness.send("{\"type\":\"session.update\",\"session\":{\"tools\":[],\"instructions\":\"\"}}").runAll();
        JsonNode cleared = harness.last("session.updated").get("session");

        assertThat(cleared.get("tools").isEmpty()).isTrue();
        assertThat(cleared.get("instructions").asString()).isEmpty();
        assertThat(cleared.at("/audio/output/voice").asString()).isEqualTo("cedar");
    }

    @Test
    void answersSmallTalkWithTheFullTextLifecycleInOrder() {
        harness.send("{\"type\":\"session.update\",\"session\":{\"output_modalities\":[\"text\"]}}")
                .send(SessionHarness.userText("Hello there")).runAll();
        harness.clear();

        harness.send("{\"type\":\"response.create\"}").runAll();

        List<String> types = harness.types();
        assertThat(types).containsSubsequence("response.created", "response.output_item.added",
                "conversation.item.added", "response.content_part.added", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "conversation.item.done",
                "response.output_item.done", "response.done");
        assertThat(types).doesNotContain("response.output_audio.delta");
        String text = harness.last("response.output_text.done").get("text").asString();
        String joined = String.join("", harness.all("response.output_text.delta").stream()
                .map(delta -> delta.get("delta").asString()).toList());
        assertThat(text).startsWith("Hello!").isEqualTo(joined);
        JsonNode response = harness.last("response.done").get("response");
        assertThat(response.get("status").asString()).isEqualTo("completed");
        assertThat(response.at("/output/0/content/0/type").asString()).isEqualTo("output_text");
        assertThat(response.at("/usage/output_tokens").asInt()).isPositive();
        assertThat(response.at("/usage/total_tokens").asInt())
                .isEqualTo(response.at("/usage/input_tokens").asInt() + response.at("/usage/output_tokens").asInt());
    }

    @Test
    void perResponseOutputModalitiesOverrideTheSession() {
        harness.send(SessionHarness.userText("thanks")).send(
                "{\"type\":\"response.create\",\"response\":{\"output_modalities\":[\"text\"]}}").runAll();

        assertThat(harness.types()).contains("response.output_text.done").doesNotContain("response.output_audio.delta");
        assertThat(harness.last("response.output_text.done").get("text").asString()).startsWith("You're welcome");
    }

    @Test
    void callsTheWeatherToolWithArgumentsBuiltFromItsSchema() {
        harness.send(WEATHER_AND_NEWS_TOOLS)
                .send(SessionHarness.userText("Will it rain in Lisbon tomorrow?"))
                .send("{\"type\":\"response.create\"}").runAll();

        JsonNode added = harness.last("response.output_item.added").get("item");
        assertThat(added.get("type").asString()).isEqualTo("function_call");
        assertThat(added.get("status").asString()).isEqualTo("in_progress");
        assertThat(added.get("call_id").asString()).startsWith("call_");
        assertThat(added.get("name").asString()).isEqualTo("get_weather");
        JsonNode argumentsDone = harness.last("response.function_call_arguments.done");
        String arguments = argumentsDone.get("arguments").asString();
        assertThat(String.join("", harness.all("response.function_call_arguments.delta").stream()
                .map(delta -> delta.get("delta").asString()).toList())).isEqualTo(arguments);
        JsonNode parsed = JsonMapper.builder().build().readTree(arguments);
        assertThat(parsed.get("question").asString()).isEqualTo("Will it rain in Lisbon tomorrow?");
        assertThat(parsed.get("units").asString()).isEqualTo("metric");
        JsonNode done = harness.last("response.output_item.done").get("item");
        assertThat(done.get("status").asString()).isEqualTo("completed");
        assertThat(done.get("call_id").asString()).isEqualTo(added.get("call_id").asString());
        assertThat(harness.types()).containsSubsequence("response.output_item.added",
                "response.function_call_arguments.delta", "response.function_call_arguments.done",
                "response.output_item.done", "response.done");
        assertThat(harness.last("response.done").at("/response/output/0/type").asString()).isEqualTo("function_call");
    }

    @Test
    void speaksTheAgentsAnswersAfterAFunctionCallOutput() {
        harness.send(WEATHER_AND_NEWS_TOOLS).send(SessionHarness.userText("Weather and news for Oslo"))
                .send("{\"type\":\"response.create\"}").runAll();
        String callId = harness.last("response.function_call_arguments.done").get("call_id").asString();
        harness.clear();

        harness.send("""
                {"type":"conversation.item.create","item":{"type":"function_call_output","call_id":"%s",
                 "output":"{\\"agents\\":[{\\"name\\":\\"weather-agent\\",\\"status\\":\\"answered\\",\\"answer\\":\\"Oslo is 4 degrees and cloudy.\\"},{\\"name\\":\\"news-agent\\",\\"status\\":\\"timed_out\\"}]}"}}"""
                .formatted(callId)).send("{\"type\":\"response.create\"}").runAll();

        String transcript = harness.last("response.output_audio_transcript.done").get("transcript").asString();
        assertThat(transcript).contains("Oslo is 4 degrees and cloudy.").contains("The news agent timed out.");
        assertThat(harness.types()).containsSubsequence("conversation.item.added", "conversation.item.done",
                "response.created", "response.output_audio.delta", "response.done");
    }

    @Test
    void audioDeltasAreAudiblePcm16() {
        harness.send(SessionHarness.userText("hi")).send("{\"type\":\"response.create\"}").runAll();

        List<JsonNode> deltas = harness.all("response.output_audio.delta");
        assertThat(deltas).hasSizeGreaterThan(3);
        byte[] first = Base64.getDecoder().decode(deltas.getFirst().get("delta").asString());
        assertThat(first.length % 2).isZero();
        assertThat(first.length).isLessThanOrEqualTo(ResponseRun.AUDIO_CHUNK_MS * 48);
        long totalBytes = deltas.stream().mapToLong(d -> Base64.getDecoder().decode(d.get("delta").asString()).length).sum();
        assertThat(totalBytes / 48).as("ms of audio").isGreaterThan(500);
        double loudest = deltas.stream().mapToDouble(d -> {
            short[] samples = Pcm16.toSamples(Base64.getDecoder().decode(d.get("delta").asString()));
            return Pcm16.rms(samples, 0, samples.length);
        }).max().orElse(0);
        assertThat(loudest).as("RMS of the loudest delta").isGreaterThan(0.01);
        assertThat(harness.last("response.done").at("/response/usage/output_token_details/audio_tokens").asInt()).isPositive();
    }

    @Test
    void refusesASecondResponseWhileOneIsActiveAndKeepsGoing() {
        harness.send(SessionHarness.userText("hello")).runAll();
        harness.clear();

        harness.send("{\"type\":\"response.create\"}").send("{\"type\":\"response.create\",\"event_id\":\"second\"}").runAll();

        JsonNode error = harness.last("error").get("error");
        assertThat(error.get("code").asString()).isEqualTo("conversation_already_has_active_response");
        assertThat(error.get("event_id").asString()).isEqualTo("second");
        assertThat(harness.all("response.created")).hasSize(1);
        assertThat(harness.last("response.done").at("/response/status").asString()).isEqualTo("completed");
    }

    @Test
    void cancelEndsTheActiveResponseAsCancelledWithIncompleteItems() {
        harness.send(SessionHarness.userText("hello")).runAll();
        harness.send("{\"type\":\"response.create\"}").runUntil("response.output_audio.delta");
        assertThat(harness.types()).contains("response.output_audio.delta").doesNotContain("response.done");

        harness.send("{\"type\":\"response.cancel\"}").runAll();

        JsonNode response = harness.last("response.done").get("response");
        assertThat(response.get("status").asString()).isEqualTo("cancelled");
        assertThat(response.at("/status_details/reason").asString()).isEqualTo("client_cancelled");
        assertThat(response.at("/output/0/status").asString()).isEqualTo("incomplete");
        assertThat(harness.all("response.done")).hasSize(1);

        harness.send("{\"type\":\"response.cancel\",\"event_id\":\"again\"}").runAll();
        assertThat(harness.last("error").at("/error/code").asString()).isEqualTo("response_cancel_not_active");
        harness.send("{\"type\":\"response.create\"}").runAll();
        assertThat(harness.last("response.done").at("/response/status").asString()).isEqualTo("completed");
    }

    @Test
    void malformedJsonGetsAnErrorEchoingTheEventIdAndTheSessionContinues() {
        harness.send("{\"type\":\"session.update\",\"event_id\":\"evt_broken\",\"session\":{").runAll();

        JsonNode error = harness.last("error").get("error");
        assertThat(error.get("type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.get("event_id").asString()).isEqualTo("evt_broken");

        harness.send("{\"type\":\"session.update\",\"session\":{\"instructions\":\"still here\"}}").runAll();
        assertThat(harness.last("session.updated").at("/session/instructions").asString()).isEqualTo("still here");
    }

    @Test
    void unknownEventTypesAndMissingFieldsGetDocumentedErrors() {
        harness.send("{\"type\":\"response.dance\",\"event_id\":\"e1\"}")
                .send("{\"type\":\"conversation.item.create\",\"event_id\":\"e2\"}")
                .send("{\"event_id\":\"e3\"}")
                .send("{\"type\":\"input_audio_buffer.commit\",\"event_id\":\"e4\"}")
                .send("{\"type\":\"conversation.item.delete\",\"item_id\":\"nope\",\"event_id\":\"e5\"}").runAll();

        List<JsonNode> errors = harness.all("error").stream().map(event -> event.get("error")).toList();
        assertThat(errors).extracting(error -> error.get("event_id").asString()).containsExactly("e1", "e2", "e3", "e4", "e5");
        assertThat(errors.get(0).get("code").asString()).isEqualTo("invalid_value");
        assertThat(errors.get(0).get("param").asString()).isEqualTo("type");
        assertThat(errors.get(1).get("code").asString()).isEqualTo("missing_required_parameter");
        assertThat(errors.get(2).get("code").asString()).isEqualTo("invalid_event");
        assertThat(errors.get(3).get("code").asString()).isEqualTo("input_audio_buffer_commit_empty");
        assertThat(errors.get(4).get("param").asString()).isEqualTo("item_id");
        assertThat(errors).allSatisfy(error -> assertThat(error.get("type").asString()).isEqualTo("invalid_request_error"));
    }

    @Test
    void insertsAfterAPreviousItemAndRefusesUnknownOnes() {
        harness.send("{\"type\":\"conversation.item.create\",\"item\":{\"id\":\"first\",\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"a\"}]}}")
                .send("{\"type\":\"conversation.item.create\",\"previous_item_id\":\"root\",\"item\":{\"id\":\"zero\",\"type\":\"message\",\"role\":\"system\",\"content\":[{\"type\":\"input_text\",\"text\":\"b\"}]}}")
                .send("{\"type\":\"conversation.item.create\",\"previous_item_id\":\"missing\",\"event_id\":\"x\",\"item\":{\"type\":\"message\",\"role\":\"user\",\"content\":[]}}")
                .runAll();

        List<JsonNode> added = harness.all("conversation.item.added");
        assertThat(added).hasSize(2);
        assertThat(added.get(1).get("previous_item_id").isNull()).isTrue();
        assertThat(harness.last("error").at("/error/param").asString()).isEqualTo("previous_item_id");
    }

    @Test
    void truncateRefusesAPointBeyondTheSpokenAudio() {
        harness.send(SessionHarness.userText("hello")).send("{\"type\":\"response.create\"}").runAll();
        String itemId = harness.last("response.output_item.done").at("/item/id").asString();

        harness.send("{\"type\":\"conversation.item.truncate\",\"item_id\":\"" + itemId
                + "\",\"content_index\":0,\"audio_end_ms\":600000}").runAll();
        assertThat(harness.last("error").at("/error/param").asString()).isEqualTo("audio_end_ms");

        harness.send("{\"type\":\"conversation.item.truncate\",\"item_id\":\"" + itemId
                + "\",\"content_index\":0,\"audio_end_ms\":300}").runAll();
        assertThat(harness.last("conversation.item.truncated").get("audio_end_ms").asInt()).isEqualTo(300);
    }

    @Test
    void serverVadDetectsSpeechThenSilenceCommitsAndAnswers() {
        harness.send(append(tone(800, 0.3))).send(append(tone(900, 0))).runAll();

        JsonNode started = harness.last("input_audio_buffer.speech_started");
        JsonNode stopped = harness.last("input_audio_buffer.speech_stopped");
        assertThat(started.get("audio_start_ms").asInt()).isZero();
        assertThat(stopped.get("audio_end_ms").asInt()).isBetween(760, 840);
        assertThat(stopped.get("item_id").asString()).isEqualTo(started.get("item_id").asString());
        assertThat(harness.last("input_audio_buffer.committed").get("item_id").asString())
                .isEqualTo(started.get("item_id").asString());
        assertThat(harness.types()).containsSubsequence("input_audio_buffer.speech_started",
                "input_audio_buffer.speech_stopped", "input_audio_buffer.committed", "conversation.item.added",
                "conversation.item.done", "response.created", "response.done");
        assertThat(harness.all("conversation.item.done").getFirst().at("/item/content/0/transcript").isNull()).isTrue();
        assertThat(harness.last("response.output_audio_transcript.done").get("transcript").asString())
                .contains("could not make out what you said").contains("type");
    }

    @Test
    void speechDuringAResponseInterruptsIt() {
        harness.send(SessionHarness.userText("hello")).runAll();
        harness.send("{\"type\":\"response.create\"}").runUntil("response.output_audio.delta");

        harness.send(append(tone(200, 0.3))).runTasks(2);

        assertThat(harness.types()).containsSubsequence("input_audio_buffer.speech_started", "response.done");
        assertThat(harness.last("response.done").at("/response/status_details/reason").asString()).isEqualTo("turn_detected");
    }

    private static String append(short[] samples) {
        return "{\"type\":\"input_audio_buffer.append\",\"audio\":\""
                + Base64.getEncoder().encodeToString(Pcm16.toBytes(samples)) + "\"}";
    }

    private static short[] tone(int ms, double amplitude) {
        short[] samples = new short[ms * 24];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) (amplitude * 32767 * Math.sin(2 * Math.PI * 220 * i / 24000.0));
        }
        return samples;
    }
}
