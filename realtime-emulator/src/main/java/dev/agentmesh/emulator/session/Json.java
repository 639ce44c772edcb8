package dev.agentmesh.emulator.session;

import tools.jackson.databind.JsonNode;

/** Small null-tolerant readers for client JSON. */
final class Json {

    private Json() {
    }

    static String string(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isString() ? value.stringValue() : null;
    }

    static String requiredString(JsonNode node, String field, String param) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw ProtocolException.missing(param);
        }
        if (!value.isString()) {
            throw ProtocolException.invalid(param, "Invalid type for '" + param + "': expected a string.");
        }
        return value.stringValue();
    }
}
