package dev.agentmesh.emulator.session;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.agentmesh.emulator.audio.SpeechSynthesizer;
import dev.agentmesh.emulator.audio.VoiceActivityDetector;
import dev.agentmesh.emulator.model.Reply;
import dev.agentmesh.emulator.model.StandInModel;
import dev.agentmesh.emulator.transcription.PhraseBook;
import dev.agentmesh.emulator.transcription.PhraseRecognizer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One Realtime GA session, independent of the transport: client events go in as JSON text through
 * {@link #receive}, server events come out through the {@link ServerEventSink}. All work runs on the
 * session's {@link SerialExecutor}, so the state needs no locking.
 */
public final class EmulatedSession {

    /** Settings that do not come from the client. */
    public record Options(String defaultVoice, boolean paced) {

        public static Options defaults() {
            return new Options("marin", false);
        }
    }

    private static final Set<String> CLIENT_EVENTS = Set.of("session.update", "input_audio_buffer.append",
            "input_audio_buffer.commit", "input_audio_buffer.clear", "conversation.item.create",
            "conversation.item.retrieve", "conversation.item.truncate", "conversation.item.delete",
            "response.create", "response.cancel", "output_audio_buffer.clear");
    private static final Pattern EVENT_ID = Pattern.compile("\"event_id\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final int MIN_COMMIT_MS = 100;
    private static final JsonMapper PARSER = JsonMapper.builder().build();

    private final SerialExecutor executor;
    private final EventWriter out;
    private final PhraseBook voice;
    private final StandInModel model = new StandInModel();
    private final Options options;
    private final Consumer<String> eventTypeListener;
    private final SessionConfig config;
    private final Conversation conversation = new Conversation();
    private final InputAudioBuffer inputAudio = new InputAudioBuffer();
    private final Map<String, ResponseRun> activeResponses = new LinkedHashMap<>();
    private final InputTranscription transcription;
    private VoiceActivityDetector vad;
    private JsonNode vadSettings;
    private String speechItemId;

    /**
     * @param model             the {@code model} query parameter, or {@code null} for gpt-realtime
     * @param voice             speaks the answers and recognises the phrases it can say
     * @param eventTypeListener told the type of every client event, in arrival order
     */
    public EmulatedSession(String model, PhraseBook voice, SerialExecutor executor, ServerEventSink sink,
            Options options, Consumer<String> eventTypeListener) {
        this.executor = executor;
        this.out = new EventWriter(JsonMapper.builder().build(), sink);
        this.voice = voice;
        this.options = options;
        this.eventTypeListener = eventTypeListener;
        this.transcription = new InputTranscription(out, executor, conversation, options.paced());
        this.config = SessionConfig.defaults(model == null || model.isBlank() ? "gpt-realtime" : model,
                options.defaultVoice(), Clock.systemUTC().instant());
    }

    /** Sends {@code session.created}; the first server event of every connection. */
    public void open() {
        executor.execute(() -> sendSession("session.created"));
    }

    public void receive(String text) {
        executor.execute(() -> handle(text));
    }

    /** For transports that must refuse a message before it reaches the engine (too large, binary). */
    public void reject(String code, String message) {
        executor.execute(() -> sendError(new ProtocolException(code, message, null), null));
    }

    private void handle(String text) {
        String clientEventId = null;
        try {
            JsonNode event = parse(text);
            clientEventId = Json.string(event, "event_id");
            String type = Json.string(event, "type");
            if (type == null) {
                throw new ProtocolException("invalid_event", "The 'type' field is missing.", null);
            }
            eventTypeListener.accept(type);
            dispatch(type, event);
        } catch (ProtocolException e) {
            sendError(e, clientEventId != null ? clientEventId : eventIdIn(text));
        }
    }

    private static JsonNode parse(String text) {
        JsonNode event;
        try {
            event = PARSER.readTree(text);
        } catch (JacksonException e) {
            throw new ProtocolException("invalid_json", "We could not parse the JSON body of your event: "
                    + e.getOriginalMessage(), null);
        }
        if (event == null || !event.isObject()) {
            throw new ProtocolException("invalid_event", "Expected the event to be a JSON object.", null);
        }
        return event;
    }

    /** Malformed JSON still often carries a readable event_id; echo it like the API does for other errors. */
    private static String eventIdIn(String text) {
        Matcher matcher = EVENT_ID.matcher(text);
        return matcher.find() ? matcher.group(1) : null;
    }

    private void dispatch(String type, JsonNode event) {
        switch (type) {
            case "session.update" -> updateSession(event);
            case "input_audio_buffer.append" -> appendAudio(event);
            case "input_audio_buffer.commit" -> commitAudio();
            case "input_audio_buffer.clear" -> clearAudio();
            case "conversation.item.create" -> createItem(event);
            case "conversation.item.retrieve" -> retrieveItem(event);
            case "conversation.item.truncate" -> truncateItem(event);
            case "conversation.item.delete" -> deleteItem(event);
            case "response.create" -> createResponse(event.get("response"));
            case "response.cancel" -> cancelResponse(event);
            case "output_audio_buffer.clear" -> throw new ProtocolException("invalid_value",
                    "output_audio_buffer.clear is only supported for WebRTC and SIP connections.", "type");
            default -> throw new ProtocolException("invalid_value", "Invalid value: '" + type
                    + "'. Supported values are: " + String.join(", ", CLIENT_EVENTS.stream().sorted().toList()) + ".",
                    "type");
        }
    }

    // ---- session ----

    private void updateSession(JsonNode event) {
        JsonNode update = event.get("session");
        if (update == null || update.isNull()) {
            throw ProtocolException.missing("session");
        }
        config.apply(update);
        sendSession("session.updated");
    }

    private void sendSession(String type) {
        ObjectNode event = out.event(type);
        event.set("session", config.snapshot());
        out.send(event);
    }

    // ---- input audio ----

    private void appendAudio(JsonNode event) {
        String base64 = Json.requiredString(event, "audio", "audio");
        byte[] audio;
        try {
            audio = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw ProtocolException.invalid("audio", "Invalid 'audio': expected base64-encoded audio.");
        }
        int bytesPerMs = config.inputBytesPerMs();
        inputAudio.append(audio, bytesPerMs);
        JsonNode detection = config.turnDetection();
        if (detection == null || !config.inputIsPcm()) {
            return;
        }
        VoiceActivityDetector detector = detector(detection);
        for (VoiceActivityDetector.Event vadEvent : detector.accept(audio)) {
            switch (vadEvent) {
                case VoiceActivityDetector.SpeechStarted started -> speechStarted(started, detection, bytesPerMs);
                case VoiceActivityDetector.SpeechStopped stopped -> speechStopped(stopped, detection);
            }
        }
        if (!detector.speaking()) {
            inputAudio.dropBefore(detector.positionMs() - detection.path("prefix_padding_ms").asInt(300), bytesPerMs);
        }
    }

    private VoiceActivityDetector detector(JsonNode detection) {
        if (vad == null || !detection.equals(vadSettings)) {
            long position = vad == null ? 0 : vad.positionMs();
            int silenceMs = detection.path("silence_duration_ms").asInt("semantic_vad".equals(
                    Json.string(detection, "type")) ? 800 : 500);
            vad = new VoiceActivityDetector(detection.path("threshold").asDouble(0.5),
                    detection.path("prefix_padding_ms").asInt(300), silenceMs, position);
            vadSettings = detection.deepCopy();
        }
        return vad;
    }

    private void speechStarted(VoiceActivityDetector.SpeechStarted started, JsonNode detection, int bytesPerMs) {
        speechItemId = Ids.next("item");
        inputAudio.dropBefore(started.audioStartMs(), bytesPerMs);
        ObjectNode event = out.event("input_audio_buffer.speech_started");
        event.put("audio_start_ms", started.audioStartMs());
        event.put("item_id", speechItemId);
        out.send(event);
        ResponseRun active = defaultActiveResponse();
        if (active != null && detection.path("interrupt_response").asBoolean(true)) {
            active.cancel("turn_detected");
        }
    }

    private void speechStopped(VoiceActivityDetector.SpeechStopped stopped, JsonNode detection) {
        String itemId = speechItemId != null ? speechItemId : Ids.next("item");
        speechItemId = null;
        ObjectNode event = out.event("input_audio_buffer.speech_stopped");
        event.put("audio_end_ms", stopped.audioEndMs());
        event.put("item_id", itemId);
        out.send(event);
        commitAudio(itemId);
        if (detection.path("create_response").asBoolean(true) && defaultActiveResponse() == null) {
            createResponse(null);
        }
    }

    private void commitAudio() {
        long bufferedMs = inputAudio.durationMs(config.inputBytesPerMs());
        if (bufferedMs < MIN_COMMIT_MS) {
            throw new ProtocolException("input_audio_buffer_commit_empty", "Error committing input audio buffer: "
                    + "buffer too small. Expected at least 100ms of audio, but buffer only has " + bufferedMs
                    + ".00ms of audio.", null);
        }
        commitAudio(speechItemId != null ? speechItemId : Ids.next("item"));
        speechItemId = null;
        if (vad != null) {
            vad.reset();
        }
    }

    private void commitAudio(String itemId) {
        byte[] audio = inputAudio.take();
        ObjectNode item = out.object();
        item.put("id", itemId);
        item.put("object", "realtime.item");
        item.put("type", "message");
        item.put("status", "completed");
        item.put("role", "user");
        item.putArray("content").addObject().put("type", "input_audio").putNull("transcript");
        String previous = conversation.insert(item, null);
        conversation.putAudio(itemId, audio);
        ObjectNode committed = out.event("input_audio_buffer.committed");
        committed.put("previous_item_id", previous);
        committed.put("item_id", itemId);
        out.send(committed);
        sendItemAddedAndDone(item, previous);
        PhraseRecognizer.Result heard = hear(itemId, audio);
        JsonNode settings = config.transcription();
        if (settings != null) {
            transcription.transcribe(itemId, heard, audio.length / config.inputBytesPerMs(), settings);
        }
    }

    /**
     * The stand-in model "hears" user audio by recognising it (whether or not transcription is on, as the real
     * model understands audio either way); a recognised phrase becomes the turn's text for {@link StandInModel}.
     */
    private PhraseRecognizer.Result hear(String itemId, byte[] audio) {
        if (!config.inputIsPcm()) {
            return new PhraseRecognizer.NotRecognized("Only audio/pcm input is recognised, not G.711.");
        }
        PhraseRecognizer.Result heard = voice.recognize(audio);
        if (heard instanceof PhraseRecognizer.Recognized recognized) {
            conversation.putHeard(itemId, recognized.transcript());
        }
        return heard;
    }

    private void clearAudio() {
        inputAudio.clear();
        speechItemId = null;
        if (vad != null) {
            vad.reset();
        }
        out.send(out.event("input_audio_buffer.cleared"));
    }

    // ---- conversation items ----

    private void createItem(JsonNode event) {
        JsonNode given = event.get("item");
        if (given == null || given.isNull()) {
            throw ProtocolException.missing("item");
        }
        if (!given.isObject()) {
            throw ProtocolException.invalid("item", "Invalid type for 'item': expected an object.");
        }
        String previousItemId = Json.string(event, "previous_item_id");
        if (previousItemId != null && !previousItemId.equals(Conversation.ROOT)) {
            conversation.require(previousItemId, "previous_item_id");
        }
        ItemValidation.Validated validated = ItemValidation.validate(given, conversation, out);
        String previous = conversation.insert(validated.item(), previousItemId);
        if (validated.audio() != null) {
            String itemId = validated.item().get("id").asString();
            conversation.putAudio(itemId, validated.audio());
            if ("user".equals(Json.string(validated.item(), "role"))) {
                hear(itemId, validated.audio());
            }
        }
        sendItemAddedAndDone(validated.item(), previous);
    }

    private void sendItemAddedAndDone(ObjectNode item, String previous) {
        for (String type : List.of("conversation.item.added", "conversation.item.done")) {
            ObjectNode event = out.event(type);
            event.put("previous_item_id", previous);
            event.set("item", item.deepCopy());
            out.send(event);
        }
    }

    private void retrieveItem(JsonNode event) {
        String itemId = Json.requiredString(event, "item_id", "item_id");
        ObjectNode item = conversation.require(itemId, "item_id").deepCopy();
        byte[] audio = conversation.audio(itemId);
        if (audio != null) {
            for (JsonNode part : item.path("content")) {
                String partType = Json.string(part, "type");
                if ("input_audio".equals(partType) || "output_audio".equals(partType)) {
                    ((ObjectNode) part).put("audio", Base64.getEncoder().encodeToString(audio));
                }
            }
        }
        ObjectNode retrieved = out.event("conversation.item.retrieved");
        retrieved.set("item", item);
        out.send(retrieved);
    }

    private void truncateItem(JsonNode event) {
        String itemId = Json.requiredString(event, "item_id", "item_id");
        JsonNode contentIndex = event.get("content_index");
        JsonNode audioEnd = event.get("audio_end_ms");
        if (contentIndex == null || !contentIndex.isIntegralNumber()) {
            throw ProtocolException.missing("content_index");
        }
        if (audioEnd == null || !audioEnd.isIntegralNumber()) {
            throw ProtocolException.missing("audio_end_ms");
        }
        ObjectNode item = conversation.require(itemId, "item_id");
        byte[] audio = conversation.audio(itemId);
        if (!"assistant".equals(Json.string(item, "role")) || audio == null) {
            throw ProtocolException.invalid("item_id", "Only assistant messages with audio can be truncated.");
        }
        if (contentIndex.asInt() != 0) {
            throw ProtocolException.invalid("content_index", "Invalid 'content_index': the item has one content part.");
        }
        long durationMs = audio.length / SpeechSynthesizer.BYTES_PER_MS;
        long endMs = audioEnd.asLong();
        if (endMs < 0 || endMs > durationMs) {
            throw ProtocolException.invalid("audio_end_ms", "Audio content of " + durationMs
                    + "ms is shorter than the audio_end_ms of " + endMs + "ms.");
        }
        conversation.putAudio(itemId, java.util.Arrays.copyOf(audio, (int) endMs * SpeechSynthesizer.BYTES_PER_MS));
        ObjectNode part = (ObjectNode) item.path("content").get(0);
        String transcript = part.path("transcript").asString("");
        int keep = durationMs == 0 ? 0 : (int) (transcript.length() * endMs / durationMs);
        int wordEnd = transcript.lastIndexOf(' ', keep);
        part.put("transcript", transcript.substring(0, keep >= transcript.length() ? keep : Math.max(0, wordEnd)));
        ObjectNode truncated = out.event("conversation.item.truncated");
        truncated.put("item_id", itemId);
        truncated.put("content_index", 0);
        truncated.put("audio_end_ms", endMs);
        out.send(truncated);
    }

    private void deleteItem(JsonNode event) {
        String itemId = Json.requiredString(event, "item_id", "item_id");
        conversation.remove(itemId);
        ObjectNode deleted = out.event("conversation.item.deleted");
        deleted.put("item_id", itemId);
        out.send(deleted);
    }

    // ---- responses ----

    private ResponseRun defaultActiveResponse() {
        return activeResponses.values().stream().filter(ResponseRun::inDefaultConversation).findFirst().orElse(null);
    }

    private void createResponse(JsonNode params) {
        if (params != null && !params.isNull() && !params.isObject()) {
            throw ProtocolException.invalid("response", "Invalid type for 'response': expected an object.");
        }
        JsonNode overrides = params == null || params.isNull() ? out.object() : params;
        String conversationMode = overrides.path("conversation").asString("auto");
        if (!conversationMode.equals("auto") && !conversationMode.equals("none")) {
            throw ProtocolException.invalid("response.conversation",
                    "Invalid value for 'response.conversation': expected 'auto' or 'none'.");
        }
        boolean inConversation = conversationMode.equals("auto");
        ResponseRun active = defaultActiveResponse();
        if (inConversation && active != null) {
            throw new ProtocolException("conversation_already_has_active_response",
                    "Conversation already has an active response in progress: " + active.id()
                            + ". Wait until the response is finished before creating a new one.", null);
        }
        ArrayNode modalities = overrides.has("output_modalities")
                ? SessionConfig.outputModalities(overrides.get("output_modalities"), "response.output_modalities")
                : config.outputModalities().deepCopy();
        List<JsonNode> tools = overrides.has("tools")
                ? listOf(SessionConfig.tools(overrides.get("tools"), "response.tools"))
                : config.tools();
        JsonNode toolChoice = overrides.has("tool_choice")
                ? SessionConfig.toolChoice(overrides.get("tool_choice"), "response.tool_choice")
                : config.toolChoice();
        List<JsonNode> context = overrides.has("input") ? resolveInput(overrides.get("input")) : conversation.items();

        ObjectNode response = out.object();
        response.put("object", "realtime.response");
        response.put("id", Ids.next("resp"));
        response.put("status", "in_progress");
        response.putNull("status_details");
        response.putArray("output");
        response.put("conversation_id", inConversation ? conversation.id() : null);
        response.set("output_modalities", modalities);
        response.set("max_output_tokens", overrides.has("max_output_tokens")
                ? overrides.get("max_output_tokens") : config.maxOutputTokens());
        response.set("audio", config.outputAudio());
        response.putNull("usage");
        response.set("metadata", overrides.has("metadata") ? overrides.get("metadata") : null);

        Reply reply = model.reply(context, tools, toolChoice, conversation::heard);
        String instructions = overrides.path("instructions").asString(config.snapshot().path("instructions").asString(""));
        ResponseRun run = new ResponseRun(response, reply, modalities.get(0).asString().equals("audio"), voice,
                inConversation ? conversation : null, out, executor, options.paced(),
                textTokens(context, instructions, tools), audioTokens(context), activeResponses.values()::remove);
        activeResponses.put(run.id(), run);
        run.start();
    }

    private List<JsonNode> resolveInput(JsonNode input) {
        if (!input.isArray()) {
            throw ProtocolException.invalid("response.input", "Invalid type for 'response.input': expected an array.");
        }
        List<JsonNode> context = new ArrayList<>();
        for (JsonNode entry : input) {
            if ("item_reference".equals(Json.string(entry, "type"))) {
                context.add(conversation.require(Json.requiredString(entry, "id", "response.input.id"), "response.input.id"));
            } else {
                context.add(entry);
            }
        }
        return context;
    }

    private void cancelResponse(JsonNode event) {
        String responseId = Json.string(event, "response_id");
        ResponseRun run = responseId != null ? activeResponses.get(responseId) : defaultActiveResponse();
        if (run == null) {
            throw new ProtocolException("response_cancel_not_active", "Cancellation failed: no active response found.",
                    null);
        }
        run.cancel("client_cancelled");
    }

    private static List<JsonNode> listOf(ArrayNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list;
    }

    private static int textTokens(List<JsonNode> context, String instructions, List<JsonNode> tools) {
        int chars = instructions.length() + tools.toString().length();
        for (JsonNode item : context) {
            chars += item.toString().length() / 2;
        }
        return Math.max(1, chars / 4);
    }

    private int audioTokens(List<JsonNode> context) {
        int tokens = 0;
        for (JsonNode item : context) {
            byte[] audio = conversation.audio(item.path("id").asString(""));
            if (audio != null && "user".equals(Json.string(item, "role"))) {
                tokens += audio.length / config.inputBytesPerMs() / 100;
            }
        }
        return tokens;
    }

    private void sendError(ProtocolException e, String clientEventId) {
        ObjectNode event = out.event("error");
        ObjectNode error = event.putObject("error");
        error.put("type", e.type());
        error.put("code", e.code());
        error.put("message", e.getMessage());
        error.put("param", e.param());
        error.put("event_id", clientEventId);
        out.send(event);
    }
}
