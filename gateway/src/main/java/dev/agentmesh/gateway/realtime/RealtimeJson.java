package dev.agentmesh.gateway.realtime;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.UUID;

/** JSON helpers for realtime events: cheap type sniffing for the hot path, and the gateway's own events. */
final class RealtimeJson {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    /**
     * Reads what clients send: a frame with a duplicate name anywhere, or anything after its one object, is
     * refused, so that no frame can mean one thing to the gateway and another to the upstream (which, like
     * Jackson's defaults, would take the last of two {@code type}s).
     */
    static final JsonMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Prefix of {@code event_id}s the gateway puts on events it sends upstream itself. */
    static final String GATEWAY_EVENT_PREFIX = "gw_";

    private RealtimeJson() {
    }

    /**
     * The top-level {@code type} of an event, read without building a tree (audio deltas and appends are large).
     * Returns null when the text is not a JSON object with a string {@code type}.
     */
    static String typeOf(String json) {
        String leading = leadingType(json);
        return leading != null ? leading : parsedType(json);
    }

    /**
     * The {@code type} when it is the object's first name and its value a plain string (no escapes), as every
     * server event is written: read off the first characters, without a parser. Else null, and the parser decides.
     * Both take the first {@code type} of an object that names it twice.
     */
    private static String leadingType(String json) {
        int at = skipSpace(json, 0);
        if (at >= json.length() || json.charAt(at) != '{') {
            return null;
        }
        at = skipSpace(json, at + 1);
        if (!json.startsWith("\"type\"", at)) {
            return null;
        }
        at = skipSpace(json, at + 6);
        if (at >= json.length() || json.charAt(at) != ':') {
            return null;
        }
        at = skipSpace(json, at + 1);
        if (at >= json.length() || json.charAt(at) != '"') {
            return null;
        }
        int start = at + 1;
        for (int i = start; i < json.length() && i - start < 128; i++) {
            char c = json.charAt(i);
            if (c == '"') {
                return json.substring(start, i);
            }
            if (c == '\\' || c < 0x20) {
                return null;
            }
        }
        return null;
    }

    private static int skipSpace(String json, int at) {
        while (at < json.length()) {
            char c = json.charAt(at);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                break;
            }
            at++;
        }
        return at;
    }

    private static String parsedType(String json) {
        try (JsonParser parser = MAPPER.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("type".equals(name)) {
                    return value == JsonToken.VALUE_STRING ? parser.getString() : null;
                }
                parser.skipChildren();
            }
            return null;
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    static ObjectNode parseObject(String json) {
        JsonNode node = MAPPER.readTree(json);
        if (!(node instanceof ObjectNode object)) {
            throw new IllegalArgumentException("an event must be a JSON object");
        }
        return object;
    }

    static String write(JsonNode node) {
        return MAPPER.writeValueAsString(node);
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static String gatewayEventId() {
        return GATEWAY_EVENT_PREFIX + UUID.randomUUID().toString().replace("-", "");
    }

    /** An {@code error} server event in the GA shape; {@code eventId} names the client event it answers, if any. */
    static String error(String type, String code, String message, String eventId) {
        return error(type, code, message, null, eventId);
    }

    /** An {@code error} server event naming the parameter ({@code session.tool_choice}, say) it is about. */
    static String error(String type, String code, String message, String param, String eventId) {
        ObjectNode event = object();
        event.put("type", "error");
        event.put("event_id", "event_" + UUID.randomUUID().toString().replace("-", ""));
        ObjectNode error = event.putObject("error");
        error.put("type", type);
        error.put("code", code);
        error.put("message", message);
        if (param != null) {
            error.put("param", param);
        } else {
            error.putNull("param");
        }
        if (eventId != null) {
            error.put("event_id", eventId);
        } else {
            error.putNull("event_id");
        }
        return write(event);
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isString() ? value.asString() : null;
    }
}
