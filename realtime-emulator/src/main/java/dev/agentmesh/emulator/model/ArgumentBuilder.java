package dev.agentmesh.emulator.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fills a tool's JSON-schema parameters from the user's words: the whole utterance goes into the first
 * required string property (else the first string property); other required properties get their schema
 * default, first enum value or an empty value of their type.
 */
final class ArgumentBuilder {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ArgumentBuilder() {
    }

    static ObjectNode build(JsonNode parameters, String text) {
        ObjectNode arguments = NODES.objectNode();
        JsonNode properties = parameters == null ? null : parameters.get("properties");
        if (properties == null || !properties.isObject()) {
            return arguments;
        }
        List<String> required = new ArrayList<>();
        parameters.path("required").forEach(name -> required.add(name.asString()));
        String textProperty = required.stream().filter(name -> isString(properties.get(name))).findFirst()
                .orElse(null);
        if (textProperty == null) {
            for (Map.Entry<String, JsonNode> property : properties.properties()) {
                if (isString(property.getValue())) {
                    textProperty = property.getKey();
                    break;
                }
            }
        }
        for (String name : required) {
            if (!name.equals(textProperty) && properties.has(name)) {
                arguments.set(name, placeholder(properties.get(name)));
            }
        }
        if (textProperty != null) {
            arguments.put(textProperty, text);
        }
        return arguments;
    }

    private static boolean isString(JsonNode schema) {
        if (schema == null) {
            return false;
        }
        JsonNode type = schema.get("type");
        if (type == null) {
            return false;
        }
        if (type.isArray()) {
            for (JsonNode option : type) {
                if ("string".equals(option.asString())) {
                    return true;
                }
            }
            return false;
        }
        return "string".equals(type.asString()) && !schema.has("enum");
    }

    private static JsonNode placeholder(JsonNode schema) {
        if (schema.has("default")) {
            return schema.get("default");
        }
        if (schema.path("enum").isArray() && !schema.get("enum").isEmpty()) {
            return schema.get("enum").get(0);
        }
        String type = schema.path("type").isString() ? schema.get("type").asString() : "string";
        return switch (type) {
            case "integer", "number" -> NODES.numberNode(0);
            case "boolean" -> NODES.booleanNode(false);
            case "array" -> NODES.arrayNode();
            case "object" -> NODES.objectNode();
            case "null" -> NODES.nullNode();
            default -> NODES.stringNode("");
        };
    }
}
