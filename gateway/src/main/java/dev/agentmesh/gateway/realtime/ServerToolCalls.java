package dev.agentmesh.gateway.realtime;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.HashSet;
import java.util.Set;

/**
 * Keeps the server tool's calls out of the client's sight, which could not run them: their items, their argument
 * events, the gateway's outputs for them and their place in {@code response.done}. Also knows which
 * {@code call_id}s are the server's, so the policy can refuse a client answering one. Thread-safe.
 */
final class ServerToolCalls {

    private final Set<String> hiddenItems = new HashSet<>();
    private final Set<String> callIds = new HashSet<>();

    static boolean isServerCall(JsonNode item) {
        return item != null && "function_call".equals(RealtimeJson.text(item, "type"))
                && AgentTool.NAME.equals(RealtimeJson.text(item, "name"));
    }

    /** A {@code response.output_item.*} item of the server's tool: hidden from now on. */
    synchronized void seen(JsonNode item) {
        add(hiddenItems, RealtimeJson.text(item, "id"));
        add(callIds, RealtimeJson.text(item, "call_id"));
    }

    /** The gateway answers this call (also when it was never seen, e.g. refused before it started). */
    synchronized void answering(String callId) {
        add(callIds, callId);
    }

    synchronized boolean isServerCallId(String callId) {
        return callId != null && callIds.contains(callId);
    }

    synchronized boolean isHidden(String itemId) {
        return itemId != null && hiddenItems.contains(itemId);
    }

    /** True when a {@code conversation.item.*} item must not reach the client; hides it for later events too. */
    synchronized boolean hides(JsonNode item) {
        String itemId = RealtimeJson.text(item, "id");
        boolean gatewayOutput = "function_call_output".equals(RealtimeJson.text(item, "type"))
                && callIds.contains(RealtimeJson.text(item, "call_id"));
        if (isServerCall(item) || gatewayOutput) {
            add(hiddenItems, itemId);
            return true;
        }
        return itemId != null && hiddenItems.contains(itemId);
    }

    /** Removes the server's calls from a {@code response.done}'s output. */
    synchronized void strip(ObjectNode responseDone) {
        if (responseDone.path("response").path("output") instanceof ArrayNode items) {
            for (int i = items.size() - 1; i >= 0; i--) {
                if (isServerCall(items.get(i)) || hiddenItems.contains(RealtimeJson.text(items.get(i), "id"))) {
                    items.remove(i);
                }
            }
        }
    }

    private static void add(Set<String> set, String value) {
        if (value != null) {
            set.add(value);
        }
    }
}
