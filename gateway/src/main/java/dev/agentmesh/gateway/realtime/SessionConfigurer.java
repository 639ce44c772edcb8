package dev.agentmesh.gateway.realtime;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.function.Supplier;

/**
 * Owns what the server puts into every session, the base instructions and the {@code ask_agents} tool, and puts
 * it back into whatever a client sends: a {@code session.update} or a {@code response.create} may add
 * instructions and tools, never remove or replace the server's. Remembers the client's own session tools and
 * instructions so that a later update touching only one of them keeps the other. What a client may send at all
 * is {@link ClientEventPolicy}'s decision, made before anything reaches this class.
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
        session.put("instructions", join(clientInstructions));
        session.set("tools", withServerTool(clientTools));
        session.put("tool_choice", "auto");
        return RealtimeJson.write(event);
    }

    /**
     * Puts the server's part back into a client's {@code session} object (already checked by the policy): its
     * instructions and tools are added to the server's, and remembered for later updates.
     */
    void mergeSession(ObjectNode session) {
        if (!session.has("type")) {
            session.put("type", "realtime");
        }
        if (session.has("instructions")) {
            clientInstructions = session.get("instructions").asString("");
            session.put("instructions", join(clientInstructions));
        }
        if (session.get("tools") instanceof ArrayNode tools) {
            clientTools = tools.deepCopy();
            session.set("tools", withServerTool(clientTools));
        }
    }

    /**
     * Puts the server's part back into a client's per-response overrides: instructions given for one response
     * replace the session's upstream, so they become the server's plus the client's; so do tools.
     */
    void mergeResponse(ObjectNode response) {
        if (response.has("instructions")) {
            response.put("instructions", join(response.get("instructions").asString("")));
        }
        if (response.get("tools") instanceof ArrayNode tools) {
            response.set("tools", withServerTool(tools));
        }
    }

    private String join(String client) {
        return client.isBlank() ? baseInstructions : baseInstructions + "\n\n" + client;
    }

    private ArrayNode withServerTool(ArrayNode client) {
        ArrayNode tools = RealtimeJson.MAPPER.createArrayNode();
        tools.add(serverTool.get());
        for (JsonNode tool : client) {
            tools.add(tool);
        }
        return tools;
    }
}
