package dev.agentmesh.gateway.realtime;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.function.Supplier;

/**
 * Owns what the server puts into every session, the base instructions and the {@code ask_agents} tool, and puts
 * it back into whatever a client sends: a {@code session.update} or a {@code response.create} may add
 * instructions and tools, never remove or replace the server's. Remembers everything the client set (its own
 * tools and instructions, voice, turn detection, transcription…) so that a later update touching only one of them
 * keeps the others, and so that a new upstream session (after a drop, or at the provider's session limit) starts
 * with the same configuration. Input transcription is on by default (the server's default model), unless the
 * client configures its own. What a client may send at all is {@link ClientEventPolicy}'s decision, made before
 * anything reaches this class. Thread-safe.
 */
final class SessionConfigurer {

    private final String baseInstructions;
    private final Supplier<ObjectNode> serverTool;
    private final String transcriptionModel;
    private ArrayNode clientTools = RealtimeJson.MAPPER.createArrayNode();
    private String clientInstructions = "";
    /** Everything else the client set, merged update by update. */
    private final ObjectNode clientSession = RealtimeJson.object();

    /**
     * @param transcriptionModel the input transcription model set unless the client sets its own; blank: none
     */
    SessionConfigurer(String baseInstructions, Supplier<ObjectNode> serverTool, String transcriptionModel) {
        this.baseInstructions = baseInstructions;
        this.serverTool = serverTool;
        this.transcriptionModel = transcriptionModel == null ? "" : transcriptionModel.strip();
    }

    SessionConfigurer(String baseInstructions, Supplier<ObjectNode> serverTool) {
        this(baseInstructions, serverTool, "");
    }

    /**
     * The gateway's first {@code session.update} for an upstream session: the server's part, the default
     * transcription, and everything the client set so far.
     */
    synchronized String initialUpdate() {
        ObjectNode event = RealtimeJson.object();
        event.put("type", "session.update");
        event.put("event_id", RealtimeJson.gatewayEventId());
        ObjectNode session = event.putObject("session");
        session.put("type", "realtime");
        if (!transcriptionModel.isEmpty()) {
            session.putObject("audio").putObject("input").putObject("transcription").put("model", transcriptionModel);
        }
        deepMerge(session, clientSession);
        session.put("instructions", join(clientInstructions));
        session.set("tools", withServerTool(clientTools));
        session.put("tool_choice", "auto");
        return RealtimeJson.write(event);
    }

    /**
     * Puts the server's part back into a client's {@code session} object (already checked by the policy): its
     * instructions and tools are added to the server's, and remembered for later updates.
     */
    synchronized void mergeSession(ObjectNode session) {
        if (!session.has("type")) {
            session.put("type", "realtime");
        }
        ObjectNode remembered = session.deepCopy();
        remembered.remove(java.util.List.of("type", "instructions", "tools", "tool_choice"));
        deepMerge(clientSession, remembered);
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
    synchronized void mergeResponse(ObjectNode response) {
        if (response.has("instructions")) {
            response.put("instructions", join(response.get("instructions").asString("")));
        }
        if (response.get("tools") instanceof ArrayNode tools) {
            response.set("tools", withServerTool(tools));
        }
    }

    /** The containers a {@code session.update} merges into; a setting inside them (turn detection, say) replaces. */
    private static final java.util.Set<String> CONTAINERS = java.util.Set.of("audio", "input", "output");

    /**
     * Merges an update as the API does: {@code audio.input} and {@code audio.output} field by field, and each
     * setting as a whole, so switching from semantic to server VAD does not keep the old {@code eagerness}.
     */
    private static void deepMerge(ObjectNode target, ObjectNode update) {
        for (var field : update.properties()) {
            JsonNode existing = target.get(field.getKey());
            if (CONTAINERS.contains(field.getKey()) && existing instanceof ObjectNode into
                    && field.getValue() instanceof ObjectNode from) {
                deepMerge(into, from);
            } else {
                target.set(field.getKey(), field.getValue().deepCopy());
            }
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
