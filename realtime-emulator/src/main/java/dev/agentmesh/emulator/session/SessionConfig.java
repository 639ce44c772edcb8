package dev.agentmesh.emulator.session;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The effective GA session object. {@code session.update} changes only the fields it carries;
 * the whole update is validated before any of it is applied.
 */
final class SessionConfig {

    static final Duration MAX_DURATION = Duration.ofMinutes(60);

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> UPDATABLE = Set.of("type", "instructions", "output_modalities", "audio", "tools",
            "tool_choice", "max_output_tokens", "tracing", "truncation", "prompt", "include", "reasoning",
            "parallel_tool_calls");
    /** Present in the session object but not changeable; clients that echo a whole session send them back. */
    private static final Set<String> READ_ONLY = Set.of("model", "id", "object", "expires_at", "client_secret");
    /** Transcription models in the GA types at the reference snapshot. */
    static final List<String> TRANSCRIPTION_MODELS = List.of("whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe",
            "gpt-4o-mini-transcribe-2025-12-15", "gpt-4o-transcribe-diarize", "gpt-realtime-whisper");
    private static final Set<String> TRANSCRIPTION_DELAYS = Set.of("minimal", "low", "medium", "high", "xhigh");
    private static final java.util.regex.Pattern LANGUAGE = java.util.regex.Pattern.compile("[a-z]{2}");
    private static final Set<String> VOICES = Set.of("alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer",
            "verse", "marin", "cedar");

    private final ObjectNode session;

    private SessionConfig(ObjectNode session) {
        this.session = session;
    }

    static SessionConfig defaults(String model, String voice, Instant now) {
        ObjectNode session = NODES.objectNode();
        session.put("type", "realtime");
        session.put("object", "realtime.session");
        session.put("id", Ids.next("sess"));
        session.put("model", model);
        session.putArray("output_modalities").add("audio");
        session.put("instructions", "");
        session.putArray("tools");
        session.put("tool_choice", "auto");
        session.put("max_output_tokens", "inf");
        session.putNull("tracing");
        session.put("truncation", "auto");
        session.putNull("prompt");
        session.put("expires_at", now.plus(MAX_DURATION).getEpochSecond());
        ObjectNode audio = session.putObject("audio");
        ObjectNode input = audio.putObject("input");
        input.set("format", pcmFormat());
        input.putNull("transcription");
        input.putNull("noise_reduction");
        input.set("turn_detection", turnDetectionDefaults("server_vad"));
        ObjectNode output = audio.putObject("output");
        output.set("format", pcmFormat());
        output.put("voice", voice);
        output.put("speed", 1.0);
        session.putNull("include");
        return new SessionConfig(session);
    }

    private static ObjectNode pcmFormat() {
        return NODES.objectNode().put("type", "audio/pcm").put("rate", 24000);
    }

    private static ObjectNode turnDetectionDefaults(String type) {
        ObjectNode detection = NODES.objectNode().put("type", type);
        if ("semantic_vad".equals(type)) {
            detection.put("eagerness", "auto");
        } else {
            detection.put("threshold", 0.5);
            detection.put("prefix_padding_ms", 300);
            detection.put("silence_duration_ms", 500);
            detection.putNull("idle_timeout_ms");
        }
        detection.put("create_response", true);
        detection.put("interrupt_response", true);
        return detection;
    }

    ObjectNode snapshot() {
        return session.deepCopy();
    }

    void apply(JsonNode update) {
        if (!update.isObject()) {
            throw ProtocolException.invalid("session", "Invalid type for 'session': expected an object.");
        }
        ObjectNode next = session.deepCopy();
        for (Map.Entry<String, JsonNode> field : update.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (READ_ONLY.contains(name)) {
                continue;
            }
            if (!UPDATABLE.contains(name)) {
                throw new ProtocolException("unknown_parameter", "Unknown parameter: 'session." + name + "'.",
                        "session." + name);
            }
            switch (name) {
                case "type" -> {
                    if (!"realtime".equals(value.isString() ? value.stringValue() : null)) {
                        throw ProtocolException.invalid("session.type",
                                "Invalid value for 'session.type': this emulator supports only 'realtime' sessions.");
                    }
                }
                case "instructions" -> next.put(name, requireString(value, "session.instructions"));
                case "output_modalities" -> next.set(name, outputModalities(value, "session.output_modalities"));
                case "tools" -> next.set(name, tools(value, "session.tools"));
                case "tool_choice" -> next.set(name, toolChoice(value, "session.tool_choice"));
                case "audio" -> applyAudio((ObjectNode) next.get("audio"), value);
                default -> next.set(name, value.deepCopy());
            }
        }
        session.removeAll();
        session.setAll(next);
    }

    private static void applyAudio(ObjectNode audio, JsonNode update) {
        if (!update.isObject()) {
            throw ProtocolException.invalid("session.audio", "Invalid type for 'session.audio': expected an object.");
        }
        for (Map.Entry<String, JsonNode> direction : update.properties()) {
            String name = direction.getKey();
            if (!name.equals("input") && !name.equals("output")) {
                throw new ProtocolException("unknown_parameter", "Unknown parameter: 'session.audio." + name + "'.",
                        "session.audio." + name);
            }
            if (!direction.getValue().isObject()) {
                throw ProtocolException.invalid("session.audio." + name, "Expected an object.");
            }
            ObjectNode target = (ObjectNode) audio.get(name);
            for (Map.Entry<String, JsonNode> field : direction.getValue().properties()) {
                String param = "session.audio." + name + "." + field.getKey();
                JsonNode value = field.getValue();
                switch (name + "." + field.getKey()) {
                    case "input.format", "output.format" -> target.set("format", format(value, param));
                    case "input.turn_detection" -> target.set("turn_detection",
                            turnDetection(target.get("turn_detection"), value));
                    case "input.transcription" -> target.set("transcription", transcription(value, param));
                    case "input.noise_reduction", "output.speed" -> target.set(field.getKey(), value.deepCopy());
                    case "output.voice" -> target.set("voice", voice(value, param));
                    default -> throw new ProtocolException("unknown_parameter", "Unknown parameter: '" + param + "'.",
                            param);
                }
            }
        }
    }

    private static JsonNode format(JsonNode value, String param) {
        String type = value.isObject() ? Json.string(value, "type") : null;
        if ("audio/pcm".equals(type)) {
            JsonNode rate = value.get("rate");
            if (rate != null && !rate.isNull() && rate.asInt() != 24000) {
                throw ProtocolException.invalid(param + ".rate", "Invalid value for '" + param
                        + ".rate': only 24000 is supported.");
            }
            return pcmFormat();
        }
        if ("audio/pcmu".equals(type) || "audio/pcma".equals(type)) {
            return NODES.objectNode().put("type", type);
        }
        throw ProtocolException.invalid(param, "Invalid value for '" + param
                + "': expected {\"type\":\"audio/pcm\",\"rate\":24000}, {\"type\":\"audio/pcmu\"} or {\"type\":\"audio/pcma\"}.");
    }

    /**
     * GA {@code {model, language, prompt}} (plus {@code delay} for gpt-realtime-whisper), or null for off.
     * A missing model means whisper-1 (our choice; the API's default for an omitted model is not documented).
     */
    private static JsonNode transcription(JsonNode value, String param) {
        if (value.isNull()) {
            return value;
        }
        if (!value.isObject()) {
            throw ProtocolException.invalid(param, "Invalid type for '" + param + "': expected an object or null.");
        }
        for (Map.Entry<String, JsonNode> field : value.properties()) {
            if (!Set.of("model", "language", "prompt", "delay").contains(field.getKey())) {
                throw new ProtocolException("unknown_parameter", "Unknown parameter: '" + param + "." + field.getKey()
                        + "'.", param + "." + field.getKey());
            }
        }
        String model = optionalString(value, "model", param);
        if (model == null) {
            model = "whisper-1";
        } else if (!TRANSCRIPTION_MODELS.contains(model)) {
            throw ProtocolException.invalid(param + ".model", "Invalid value: '" + model + "'. Supported values are: "
                    + String.join(", ", TRANSCRIPTION_MODELS.stream().map(name -> "'" + name + "'").toList()) + ".");
        }
        String language = optionalString(value, "language", param);
        if (language != null && !LANGUAGE.matcher(language).matches()) {
            throw ProtocolException.invalid(param + ".language", "Invalid value for '" + param + ".language': '"
                    + language + "'. Expected an ISO-639-1 language code such as 'en'.");
        }
        String prompt = optionalString(value, "prompt", param);
        String delay = optionalString(value, "delay", param);
        boolean realtimeWhisper = model.equals("gpt-realtime-whisper");
        if (delay != null && (!realtimeWhisper || !TRANSCRIPTION_DELAYS.contains(delay))) {
            throw ProtocolException.invalid(param + ".delay", realtimeWhisper
                    ? "Invalid value for '" + param + ".delay': '" + delay + "'. Supported values are: 'minimal', 'low', "
                            + "'medium', 'high' and 'xhigh'."
                    : "'" + param + ".delay' is only supported with 'gpt-realtime-whisper'.");
        }
        if (prompt != null && !prompt.isEmpty() && realtimeWhisper) {
            throw ProtocolException.invalid(param + ".prompt", "'" + param
                    + ".prompt' is not supported with 'gpt-realtime-whisper'.");
        }
        ObjectNode transcription = NODES.objectNode();
        transcription.put("model", model);
        transcription.put("language", language);
        transcription.put("prompt", prompt);
        if (delay != null) {
            transcription.put("delay", delay);
        }
        return transcription;
    }

    private static String optionalString(JsonNode object, String field, String param) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        return requireString(value, param + "." + field);
    }

    private static JsonNode turnDetection(JsonNode current, JsonNode value) {
        if (value.isNull()) {
            return value;
        }
        if (!value.isObject()) {
            throw ProtocolException.invalid("session.audio.input.turn_detection", "Expected an object or null.");
        }
        String type = Json.string(value, "type");
        ObjectNode result;
        if (type == null && current != null && current.isObject()) {
            result = ((ObjectNode) current).deepCopy();
        } else if ("server_vad".equals(type) || "semantic_vad".equals(type)) {
            result = turnDetectionDefaults(type);
        } else {
            throw ProtocolException.invalid("session.audio.input.turn_detection.type",
                    "Invalid value for 'session.audio.input.turn_detection.type': expected 'server_vad' or 'semantic_vad'.");
        }
        for (Map.Entry<String, JsonNode> field : value.properties()) {
            result.set(field.getKey(), field.getValue().deepCopy());
        }
        return result;
    }

    private static JsonNode voice(JsonNode value, String param) {
        if (value.isString() && VOICES.contains(value.stringValue())) {
            return value;
        }
        if (value.isObject() && Json.string(value, "id") != null) {
            return value.deepCopy();
        }
        throw ProtocolException.invalid(param, "Invalid value for '" + param + "'. Supported values are: "
                + String.join(", ", VOICES.stream().sorted().toList()) + ", or {\"id\":\"voice_...\"}.");
    }

    static String requireString(JsonNode value, String param) {
        if (!value.isString()) {
            throw ProtocolException.invalid(param, "Invalid type for '" + param + "': expected a string.");
        }
        return value.stringValue();
    }

    /** GA allows exactly one of audio or text; clients migrating from beta still send both, read as audio. */
    static ArrayNode outputModalities(JsonNode value, String param) {
        if (!value.isArray() || value.isEmpty()) {
            throw ProtocolException.invalid(param, "Invalid value for '" + param + "': expected [\"audio\"] or [\"text\"].");
        }
        boolean audio = false;
        for (JsonNode modality : value) {
            String name = modality.isString() ? modality.stringValue() : "";
            if (!name.equals("audio") && !name.equals("text")) {
                throw ProtocolException.invalid(param, "Invalid value for '" + param + "': '" + modality
                        + "'. Supported values are: 'audio' and 'text'.");
            }
            audio |= name.equals("audio");
        }
        return NODES.arrayNode().add(audio ? "audio" : "text");
    }

    static ArrayNode tools(JsonNode value, String param) {
        if (!value.isArray()) {
            throw ProtocolException.invalid(param, "Invalid type for '" + param + "': expected an array.");
        }
        for (int i = 0; i < value.size(); i++) {
            JsonNode tool = value.get(i);
            String type = Json.string(tool, "type");
            if (type == null) {
                throw ProtocolException.missing(param + "[" + i + "].type");
            }
            if (type.equals("function") && Json.string(tool, "name") == null) {
                throw ProtocolException.missing(param + "[" + i + "].name");
            }
        }
        return (ArrayNode) value.deepCopy();
    }

    static JsonNode toolChoice(JsonNode value, String param) {
        if (value.isString() && Set.of("auto", "none", "required").contains(value.stringValue())) {
            return value;
        }
        if (value.isObject() && Json.string(value, "type") != null) {
            return value.deepCopy();
        }
        throw ProtocolException.invalid(param, "Invalid value for '" + param
                + "': expected 'auto', 'none', 'required' or {\"type\":\"function\",\"name\":\"...\"}.");
    }

    String model() {
        return session.get("model").stringValue();
    }

    boolean textOnly() {
        return session.get("output_modalities").get(0).stringValue().equals("text");
    }

    ArrayNode outputModalities() {
        return (ArrayNode) session.get("output_modalities");
    }

    List<JsonNode> tools() {
        List<JsonNode> tools = new ArrayList<>();
        session.get("tools").forEach(tools::add);
        return tools;
    }

    JsonNode toolChoice() {
        return session.get("tool_choice");
    }

    JsonNode maxOutputTokens() {
        return session.get("max_output_tokens");
    }

    JsonNode outputAudio() {
        ObjectNode output = (ObjectNode) session.get("audio").get("output");
        return NODES.objectNode().set("output", NODES.objectNode()
                .setAll(Map.of("format", output.get("format"), "voice", output.get("voice"))));
    }

    /** Null when turn detection is off. */
    JsonNode turnDetection() {
        JsonNode detection = session.get("audio").get("input").get("turn_detection");
        return detection == null || detection.isNull() ? null : detection;
    }

    /** The effective transcription settings, or null when transcription is off. */
    JsonNode transcription() {
        JsonNode transcription = session.get("audio").get("input").get("transcription");
        return transcription == null || transcription.isNull() ? null : transcription;
    }

    /** Bytes per millisecond of the input format: 24 kHz PCM16 or 8 kHz G.711. */
    int inputBytesPerMs() {
        return "audio/pcm".equals(session.get("audio").get("input").get("format").get("type").stringValue()) ? 48 : 8;
    }

    boolean inputIsPcm() {
        return inputBytesPerMs() == 48;
    }
}
