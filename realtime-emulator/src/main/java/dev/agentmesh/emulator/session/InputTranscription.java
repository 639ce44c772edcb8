package dev.agentmesh.emulator.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.agentmesh.emulator.transcription.PhraseRecognizer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reports what was recognised in a committed user audio item as the API's transcription events, a separate
 * step after the commit (the API transcribes asynchronously; its events may come before, during or after the
 * response): {@code conversation.item.input_audio_transcription.delta} events then {@code .completed}, and the
 * item's {@code input_audio} part gets the transcript; or {@code .failed} when the audio was not recognised.
 */
final class InputTranscription {

    static final String FAILED_MESSAGE = "Input audio transcription failed: the offline emulator cannot transcribe "
            + "arbitrary speech; it only recognises phrases it can synthesise itself (sentences it has spoken and "
            + "its configured phrases). ";
    /** With pacing on, about how long a transcription model takes for a short turn. */
    private static final Duration PACED_LATENCY = Duration.ofMillis(300);

    private final EventWriter out;
    private final SerialExecutor executor;
    private final Conversation conversation;
    private final boolean paced;

    InputTranscription(EventWriter out, SerialExecutor executor, Conversation conversation, boolean paced) {
        this.out = out;
        this.executor = executor;
        this.conversation = conversation;
        this.paced = paced;
    }

    /**
     * @param settings the session's effective {@code audio.input.transcription} (non-null)
     * @param heard    what the recogniser made of the item's audio
     */
    void transcribe(String itemId, PhraseRecognizer.Result heard, long audioMs, JsonNode settings) {
        Runnable report = () -> {
            switch (heard) {
                case PhraseRecognizer.Recognized recognized -> completed(itemId, recognized.transcript(), audioMs, settings);
                case PhraseRecognizer.NotRecognized notRecognized -> failed(itemId, notRecognized.reason());
            }
        };
        if (paced) {
            executor.schedule(report, PACED_LATENCY);
        } else {
            executor.execute(report);
        }
    }

    private void completed(String itemId, String transcript, long audioMs, JsonNode settings) {
        String model = settings.path("model").asString("whisper-1");
        // whisper-1 sends the whole turn as one delta; the gpt-4o transcribe models stream it
        List<String> deltas = model.equals("whisper-1") ? List.of(transcript) : words(transcript);
        for (String delta : deltas) {
            ObjectNode event = itemEvent("conversation.item.input_audio_transcription.delta", itemId);
            event.put("delta", delta);
            out.send(event);
        }
        ObjectNode item = conversation.find(itemId);
        if (item != null && item.path("content").path(0).isObject()) {
            ((ObjectNode) item.get("content").get(0)).put("transcript", transcript);
        }
        ObjectNode completed = itemEvent("conversation.item.input_audio_transcription.completed", itemId);
        completed.put("transcript", transcript);
        completed.set("usage", usage(model, transcript, audioMs, settings.path("prompt").asString("")));
        out.send(completed);
    }

    private void failed(String itemId, String reason) {
        ObjectNode failed = itemEvent("conversation.item.input_audio_transcription.failed", itemId);
        failed.putObject("error")
                .put("type", "server_error")
                .put("code", "transcription_unavailable")
                .put("message", FAILED_MESSAGE + reason)
                .putNull("param");
        out.send(failed);
    }

    private ObjectNode itemEvent(String type, String itemId) {
        ObjectNode event = out.event(type);
        event.put("item_id", itemId);
        event.put("content_index", 0);
        return event;
    }

    /** whisper-1 bills by duration, the other models by tokens (audio at 10 tokens a second, text at 4 characters). */
    private ObjectNode usage(String model, String transcript, long audioMs, String prompt) {
        ObjectNode usage = out.object();
        if (model.equals("whisper-1")) {
            return usage.put("type", "duration").put("seconds", audioMs / 1000.0);
        }
        int audioTokens = (int) Math.max(1, audioMs / 100);
        int promptTokens = (prompt.length() + 3) / 4;
        int outputTokens = Math.max(1, (transcript.length() + 3) / 4);
        usage.put("type", "tokens");
        usage.put("input_tokens", audioTokens + promptTokens);
        usage.put("output_tokens", outputTokens);
        usage.put("total_tokens", audioTokens + promptTokens + outputTokens);
        usage.putObject("input_token_details").put("text_tokens", promptTokens).put("audio_tokens", audioTokens);
        return usage;
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        for (String word : text.split("(?<= )")) {
            words.add(word);
        }
        return words;
    }
}
