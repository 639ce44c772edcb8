package dev.agentmesh.emulator.session;

import java.util.Base64;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Checks a {@code conversation.item.create} item and turns it into the stored GA item shape. */
final class ItemValidation {

    record Validated(ObjectNode item, byte[] audio) {
    }

    private static final Map<String, Set<String>> CONTENT_BY_ROLE = Map.of(
            "user", Set.of("input_text", "input_audio", "input_image"),
            "system", Set.of("input_text"),
            "assistant", Set.of("output_text", "text"));

    private ItemValidation() {
    }

    static Validated validate(JsonNode given, Conversation conversation, EventWriter out) {
        String type = Json.requiredString(given, "type", "item.type");
        String id = Json.string(given, "id");
        if (given.has("id") && id == null) {
            throw ProtocolException.invalid("item.id", "Invalid type for 'item.id': expected a string.");
        }
        if (id != null && conversation.find(id) != null) {
            throw ProtocolException.invalid("item.id", "Item with id '" + id + "' already exists.");
        }
        ObjectNode item = out.object();
        item.put("id", id != null ? id : Ids.next("item"));
        item.put("object", "realtime.item");
        item.put("type", type);
        byte[] audio = null;
        switch (type) {
            case "message" -> audio = message(given, item);
            case "function_call" -> {
                item.put("status", "completed");
                item.put("name", Json.requiredString(given, "name", "item.name"));
                String callId = Json.string(given, "call_id");
                item.put("call_id", callId != null ? callId : Ids.next("call"));
                item.put("arguments", Json.requiredString(given, "arguments", "item.arguments"));
            }
            case "function_call_output" -> {
                item.put("call_id", Json.requiredString(given, "call_id", "item.call_id"));
                item.put("output", Json.requiredString(given, "output", "item.output"));
            }
            default -> throw ProtocolException.invalid("item.type", "Invalid value: '" + type
                    + "'. Supported values are: 'message', 'function_call' and 'function_call_output'.");
        }
        return new Validated(item, audio);
    }

    private static byte[] message(JsonNode given, ObjectNode item) {
        String role = Json.requiredString(given, "role", "item.role");
        Set<String> allowed = CONTENT_BY_ROLE.get(role);
        if (allowed == null) {
            throw ProtocolException.invalid("item.role", "Invalid value: '" + role
                    + "'. Supported values are: 'user', 'system' and 'assistant'.");
        }
        JsonNode content = given.get("content");
        if (content == null || content.isNull()) {
            throw ProtocolException.missing("item.content");
        }
        if (!content.isArray()) {
            throw ProtocolException.invalid("item.content", "Invalid type for 'item.content': expected an array.");
        }
        item.put("status", "completed");
        item.put("role", role);
        byte[] audio = null;
        var parts = item.putArray("content");
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String param = "item.content[" + i + "]";
            String partType = Json.requiredString(part, "type", param + ".type");
            if (!allowed.contains(partType)) {
                throw ProtocolException.invalid(param + ".type", "Invalid value: '" + partType + "'. Supported values for "
                        + role + " messages are: " + String.join(", ", allowed.stream().sorted().toList()) + ".");
            }
            ObjectNode stored = parts.addObject();
            switch (partType) {
                case "input_text", "output_text", "text" -> stored.put("type", partType)
                        .put("text", Json.requiredString(part, "text", param + ".text"));
                case "input_audio" -> {
                    String base64 = Json.requiredString(part, "audio", param + ".audio");
                    try {
                        audio = Base64.getDecoder().decode(base64);
                    } catch (IllegalArgumentException e) {
                        throw ProtocolException.invalid(param + ".audio", "Invalid 'audio': expected base64.");
                    }
                    stored.put("type", partType).put("transcript", Json.string(part, "transcript"));
                }
                default -> stored.setAll((ObjectNode) part.deepCopy());
            }
        }
        return audio;
    }
}
