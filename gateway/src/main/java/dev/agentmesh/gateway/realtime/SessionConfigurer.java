package dev.agentmesh.gateway.realtime;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.function.Supplier;

/**
 * Owns what the server puts into every session, the base instructions and the {@code ask_agents} tool, and
 * merges a client's {@code session.update} into it: the client may add instructions and tools and change
 * everything else, but cannot remove or replace the server's tool or instructions. Remembers the client's own
 * tools and instructions so that a later update touching only one of them keeps the other.
 */
final class SessionConfigurer {

    private final String baseInstructions;
    private final Supplier<ObjectNode> serverTool;
    private ArrayNode clientTools = RealtimeJson.MAPPER.createArrayNode();
    private String clientInstructions = "";

    SessionConfigurer(String baseInstructions, Supplier<ObjectNode> serverTool) {
        this.baseInstructions = baseInstructions;
        this.serverTool = serverTool;
    }

    /** The gateway's first {@code session.update}, sent as soon as the upstream session exists. */
    String initialUpdate() {
        ObjectNode event = RealtimeJson.object();
        event.put("type", "session.update");
        event.put("event_id", RealtimeJson.gatewayEventId());
        ObjectNode session = event.putObject("session");
        session.put("type", "realtime");
        session.put("instructions", instructions());
        session.set("tools", tools());
        return RealtimeJson.write(event);
    }

    /** The client's {@code session.update} with the server's part put back in. */
    String merge(ObjectNode clientEvent) {
        JsonNode session = clientEvent.get("session");
        if (!(session instanceof ObjectNode update)) {
            throw new IllegalArgumentException("session.update needs a 'session' object");
        }
        if (!update.has("type")) {
            update.put("type", "realtime");
        }
        if (update.has("instructions")) {
            JsonNode instructions = update.get("instructions");
            clientInstructions = instructions.isString() ? instructions.asString() : "";
            update.put("instructions", instructions());
        }
        if (update.has("tools")) {
            JsonNode tools = update.get("tools");
            if (!tools.isArray()) {
                throw new IllegalArgumentException("session.tools must be an array");
            }
            ArrayNode kept = RealtimeJson.MAPPER.createArrayNode();
            for (JsonNode tool : tools) {
                if (!AgentTool.NAME.equals(RealtimeJson.text(tool, "name"))) {
                    kept.add(tool);
                }
            }
            clientTools = kept;
            update.set("tools", tools());
        }
        return RealtimeJson.write(clientEvent);
    }

    private String instructions() {
        return clientInstructions.isBlank() ? baseInstructions : baseInstructions + "\n\n" + clientInstructions;
    }

    private ArrayNode tools() {
        ArrayNode tools = RealtimeJson.MAPPER.createArrayNode();
        tools.add(serverTool.get());
        tools.addAll(clientTools);
        return tools;
    }
}
