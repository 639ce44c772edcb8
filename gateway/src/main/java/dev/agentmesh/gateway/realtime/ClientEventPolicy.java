package dev.agentmesh.gateway.realtime;

import io.netty.buffer.ByteBuf;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The gateway's one decision about every client event: relayed, rewritten or refused (the README has the table).
 * What goes upstream is always what this class read: every frame is parsed strictly (a duplicate name anywhere
 * or data after the object is refused) and the event is re-serialised from that parse. The one exception is the
 * hot path, a plain {@code input_audio_buffer.append}: it is relayed as sent only after a strict streaming pass
 * has shown it to be one object with nothing but a string {@code type}, {@code audio} and {@code event_id}, each
 * once, so no reader can take it for another event.
 *
 * <p>For {@code session.update} and {@code response.create} the server's instructions and tool always stay (a
 * client may add instructions up to a cap, and function tools of its own), a {@code tool_choice} other than
 * {@code auto} is changed to {@code auto} with a notice, tool types are allow-listed, and {@code system} items
 * are refused unless configured. Unknown event types are relayed: the protocol grows.
 *
 * <p>One instance per session; not thread-safe (a session's client events arrive one at a time).
 */
final class ClientEventPolicy {

    static final String APPEND = "input_audio_buffer.append";

    /** What the gateway allows beyond its fixed rules. */
    record Rules(String model, int maxClientInstructions, boolean allowSystemItems, Set<String> mcpServers) {
        Rules {
            mcpServers = mcpServers.stream().map(ClientEventPolicy::normalizedUrl).collect(Collectors.toSet());
        }
    }

    /** What the session does with one client frame. */
    sealed interface Verdict {
        String type();
    }

    /**
     * Send {@code upstream}; {@code event} is the parsed event (null on the audio hot path); {@code notices}
     * (error events) tell the client what was changed.
     */
    record Relay(String type, ObjectNode event, String upstream, List<String> notices) implements Verdict {
    }

    /** Send nothing upstream; the client gets {@code error}. */
    record Refuse(String type, String code, String error) implements Verdict {
    }

    /** Session fields a client may set (GA names); anything else is refused with the field's name. */
    private static final Set<String> SESSION_FIELDS = Set.of("type", "model", "instructions", "output_modalities",
            "audio", "tools", "tool_choice", "max_output_tokens", "tracing", "truncation", "include", "reasoning",
            "parallel_tool_calls");
    /** Per-response overrides a client may set; {@code prompt} (a stored prompt of the server's account) is not. */
    private static final Set<String> RESPONSE_FIELDS = Set.of("conversation", "input", "instructions", "tools",
            "tool_choice", "output_modalities", "audio", "max_output_tokens", "metadata");
    /** Roles whose items would speak with the server's authority. */
    private static final Set<String> SYSTEM_ROLES = Set.of("system", "developer");

    private final Rules rules;
    private final SessionConfigurer configurer;
    private final Predicate<String> serverCallId;

    /**
     * @param serverCallId true for the {@code call_id} of an {@code ask_agents} call: only the gateway answers those
     */
    ClientEventPolicy(Rules rules, SessionConfigurer configurer, Predicate<String> serverCallId) {
        this.rules = rules;
        this.configurer = configurer;
        this.serverCallId = serverCallId;
    }

    /**
     * Reviews one whole client message as it came off the socket (UTF-8). A plain append is recognised on its bytes
     * ({@link PlainAppendScan}) and relayed as decoded; anything else is decoded and reviewed in full.
     */
    Verdict review(ByteBuf frame) {
        String text = frame.toString(StandardCharsets.UTF_8);
        if (PlainAppendScan.test(frame)) {
            return new Relay(APPEND, null, text, List.of());
        }
        return review(text);
    }

    Verdict review(String frame) {
        if (isPlainAppend(frame)) {
            return new Relay(APPEND, null, frame, List.of());
        }
        ObjectNode event;
        try {
            event = parse(frame);
        } catch (PolicyViolation violation) {
            return new Refuse(null, violation.code(), violation.toErrorEvent(null));
        }
        String type = RealtimeJson.text(event, "type");
        String eventId = RealtimeJson.text(event, "event_id");
        List<String> notices = new ArrayList<>(0);
        try {
            checkEnvelope(event, type, eventId);
            switch (type) {
                case "session.update" -> sessionUpdate(event, notices, eventId);
                case "response.create" -> responseCreate(event, notices, eventId);
                case "conversation.item.create" -> item(event.get("item"), "item");
                case "transcription_session.update" -> throw new PolicyViolation("unsupported_event",
                        "This gateway holds realtime sessions; transcription_session.update is not relayed.", "type");
                default -> {
                    // relayed as parsed, unknown types included
                }
            }
        } catch (PolicyViolation violation) {
            return new Refuse(type, violation.code(), violation.toErrorEvent(eventId));
        }
        return new Relay(type, event, RealtimeJson.write(event), notices);
    }

    // ---- parsing --------------------------------------------------------------------------------------------

    /**
     * True for exactly {@code {"type":"input_audio_buffer.append","audio":"…"}}, with an optional string
     * {@code event_id}, in any order, each name once, nothing after the object. Anything else takes the full path,
     * which says precisely what is wrong.
     */
    static boolean isPlainAppend(String frame) {
        try (JsonParser parser = RealtimeJson.STRICT.createParser(frame)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            boolean append = false;
            boolean audio = false;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                if (parser.nextToken() != JsonToken.VALUE_STRING) {
                    return false;
                }
                switch (name) {
                    case "type" -> {
                        if (!APPEND.equals(parser.getString())) {
                            return false;
                        }
                        append = true;
                    }
                    case "audio" -> audio = true; // skipped, never copied: the audio is the bulk of the frame
                    case "event_id" -> {
                        if (parser.getString().startsWith(RealtimeJson.GATEWAY_EVENT_PREFIX)) {
                            return false;
                        }
                    }
                    default -> {
                        return false;
                    }
                }
            }
            return token == JsonToken.END_OBJECT && parser.nextToken() == null && append && audio;
        } catch (JacksonException notPlain) {
            return false;
        }
    }

    private static ObjectNode parse(String frame) {
        JsonNode node;
        try {
            node = RealtimeJson.STRICT.readTree(frame);
        } catch (JacksonException e) {
            String reason = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
            if (reason.startsWith("Duplicate")) {
                throw new PolicyViolation("duplicate_key", "The event names the same field twice (" + reason
                        + "); an event must name each field once.", null);
            }
            throw new PolicyViolation("invalid_json", "The event is not valid JSON: one JSON object per frame.", null);
        }
        if (!(node instanceof ObjectNode event)) {
            throw new PolicyViolation("invalid_json", "The event is not valid JSON: one JSON object per frame.", null);
        }
        return event;
    }

    private static void checkEnvelope(ObjectNode event, String type, String eventId) {
        if (type == null) {
            throw new PolicyViolation("missing_required_parameter", "Every event needs a string 'type'.", "type");
        }
        if (event.has("event_id") && eventId == null) {
            throw new PolicyViolation("invalid_type", "'event_id' must be a string.", "event_id");
        }
        if (eventId != null && eventId.startsWith(RealtimeJson.GATEWAY_EVENT_PREFIX)) {
            throw new PolicyViolation("invalid_value", "event_ids starting with '" + RealtimeJson.GATEWAY_EVENT_PREFIX
                    + "' are reserved for the gateway's own events.", "event_id");
        }
    }

    // ---- session.update and response.create ----------------------------------------------------------------

    private void sessionUpdate(ObjectNode event, List<String> notices, String eventId) {
        if (!(event.get("session") instanceof ObjectNode session)) {
            throw new PolicyViolation("missing_required_parameter", "session.update needs a 'session' object.",
                    "session");
        }
        allowedFields(session, SESSION_FIELDS, "session");
        String kind = RealtimeJson.text(session, "type");
        if (session.has("type") && !"realtime".equals(kind)) {
            throw new PolicyViolation("invalid_value", "This gateway holds realtime sessions: session.type must be "
                    + "\"realtime\".", "session.type");
        }
        if (session.has("model") && !rules.model().equals(RealtimeJson.text(session, "model"))) {
            throw new PolicyViolation("invalid_value", "The session runs " + rules.model()
                    + "; the model cannot be changed.", "session.model");
        }
        instructions(session, "session");
        tools(session, "session");
        toolChoice(session, "session", notices, eventId);
        configurer.mergeSession(session);
    }

    private void responseCreate(ObjectNode event, List<String> notices, String eventId) {
        JsonNode value = event.get("response");
        if (value == null || value.isNull()) {
            return;
        }
        if (!(value instanceof ObjectNode response)) {
            throw new PolicyViolation("invalid_type", "'response' must be an object.", "response");
        }
        allowedFields(response, RESPONSE_FIELDS, "response");
        instructions(response, "response");
        tools(response, "response");
        toolChoice(response, "response", notices, eventId);
        JsonNode input = response.get("input");
        if (input != null) {
            if (!(input instanceof ArrayNode items)) {
                throw new PolicyViolation("invalid_type", "response.input must be an array.", "response.input");
            }
            for (int i = 0; i < items.size(); i++) {
                if (!"item_reference".equals(RealtimeJson.text(items.get(i), "type"))) {
                    item(items.get(i), "response.input[" + i + "]");
                }
            }
        }
        configurer.mergeResponse(response);
    }

    private static void allowedFields(ObjectNode object, Set<String> allowed, String path) {
        for (String name : object.propertyNames()) {
            if (!allowed.contains(name)) {
                throw new PolicyViolation("unknown_parameter", path + "." + name + " is not something a client may "
                        + "set through this gateway (allowed: " + String.join(", ", allowed.stream().sorted().toList())
                        + ").", path + "." + name);
            }
        }
    }

    private void instructions(ObjectNode owner, String path) {
        JsonNode instructions = owner.get("instructions");
        if (instructions == null) {
            return;
        }
        if (!instructions.isString()) {
            throw new PolicyViolation("invalid_type", path + ".instructions must be a string.", path + ".instructions");
        }
        if (instructions.asString().length() > rules.maxClientInstructions()) {
            throw new PolicyViolation("instructions_too_long", "A client may add at most "
                    + rules.maxClientInstructions() + " characters of instructions; these have "
                    + instructions.asString().length() + ".", path + ".instructions");
        }
    }

    private void tools(ObjectNode owner, String path) {
        JsonNode tools = owner.get("tools");
        if (tools == null) {
            return;
        }
        if (!(tools instanceof ArrayNode list)) {
            throw new PolicyViolation("invalid_type", path + ".tools must be an array.", path + ".tools");
        }
        for (int i = 0; i < list.size(); i++) {
            tool(list.get(i), path + ".tools[" + i + "]");
        }
    }

    private void tool(JsonNode tool, String path) {
        String type = RealtimeJson.text(tool, "type");
        if ("function".equals(type)) {
            String name = RealtimeJson.text(tool, "name");
            if (name == null || name.isBlank()) {
                throw new PolicyViolation("missing_required_parameter", "A function tool needs a name.", path + ".name");
            }
            if (AgentTool.NAME.equals(name)) {
                throw new PolicyViolation("tool_name_reserved", "'" + AgentTool.NAME + "' is the server's tool; a "
                        + "client tool needs another name.", path + ".name");
            }
            return;
        }
        if ("mcp".equals(type)) {
            String url = RealtimeJson.text(tool, "server_url");
            if (url == null || !rules.mcpServers().contains(normalizedUrl(url))) {
                throw new PolicyViolation("tool_not_allowed", "MCP tools may only name a server_url on the gateway's "
                        + "list (GATEWAY_MCP_SERVERS)" + (rules.mcpServers().isEmpty() ? ", which is empty" : "")
                        + ".", path + ".server_url");
            }
            return;
        }
        throw new PolicyViolation("tool_not_allowed", "Tools of type '" + type + "' are not allowed through this "
                + "gateway; function tools are" + (rules.mcpServers().isEmpty() ? "" : ", and MCP tools on its list")
                + ".", path + ".type");
    }

    /** Forcing or forbidding tools is changed to {@code auto}: the server's tool stays usable, never forced. */
    private static void toolChoice(ObjectNode owner, String path, List<String> notices, String eventId) {
        JsonNode choice = owner.get("tool_choice");
        if (choice == null || (choice.isString() && "auto".equals(choice.asString()))) {
            return;
        }
        owner.put("tool_choice", "auto");
        notices.add(new PolicyViolation("tool_choice_not_allowed", path + ".tool_choice " + RealtimeJson.write(choice)
                + " was changed to \"auto\": through this gateway tools are never forced or switched off; the rest "
                + "of the event was applied.", path + ".tool_choice").toErrorEvent(eventId));
    }

    // ---- items ------------------------------------------------------------------------------------------------

    private void item(JsonNode item, String path) {
        if (!(item instanceof ObjectNode)) {
            throw new PolicyViolation("missing_required_parameter", "An item must be an object.", path);
        }
        String type = RealtimeJson.text(item, "type");
        String role = RealtimeJson.text(item, "role");
        if (role != null && SYSTEM_ROLES.contains(role.toLowerCase(Locale.ROOT)) && !rules.allowSystemItems()) {
            throw new PolicyViolation("system_item_not_allowed", "Items with role '" + role + "' speak with the "
                    + "server's authority and are not accepted from clients here; send a user message instead.",
                    path + ".role");
        }
        if ("function_call".equals(type) && AgentTool.NAME.equals(RealtimeJson.text(item, "name"))) {
            throw new PolicyViolation("tool_name_reserved", "Only the model calls the server's tool '" + AgentTool.NAME
                    + "'.", path + ".name");
        }
        if ("function_call_output".equals(type) && serverCallId.test(RealtimeJson.text(item, "call_id"))) {
            throw new PolicyViolation("tool_name_reserved", "That call belongs to the server's tool; only the "
                    + "gateway answers it.", path + ".call_id");
        }
    }

    /** Scheme and host compared without case, the path as written, no trailing slash. */
    private static String normalizedUrl(String url) {
        String trimmed = url.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        try {
            java.net.URI uri = java.net.URI.create(trimmed);
            if (uri.getScheme() == null || uri.getRawAuthority() == null) {
                return trimmed;
            }
            return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getRawAuthority().toLowerCase(Locale.ROOT)
                    + (uri.getRawPath() == null ? "" : uri.getRawPath())
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        } catch (IllegalArgumentException malformed) {
            return trimmed;
        }
    }
}
