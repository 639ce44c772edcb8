package dev.agentmesh.gateway.realtime;

import dev.agentmesh.events.ContextEntry;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The conversation as a new upstream session learns it: the most recent user and assistant turns, verbatim,
 * within a budget of turns and characters; older ones are dropped, and a system note says how many. Used when a
 * client resumes a stored conversation and when the gateway renews the upstream session (a drop, or the
 * provider's session limit). Thread-safe.
 */
final class HistorySeed {

    /** Prefix of the item ids the gateway gives seeded items, so their echoes stay hidden from the client. */
    static final String ITEM_PREFIX = "gw_seed_";

    private final int maxTurns;
    private final int maxChars;
    private final Deque<ContextEntry> turns = new ArrayDeque<>();
    private int dropped;
    private int generation;

    HistorySeed(int maxTurns, int maxChars) {
        this.maxTurns = maxTurns;
        this.maxChars = maxChars;
    }

    /** Remembers a user or assistant turn (other roles are not seeded). */
    synchronized void add(String role, String text) {
        if (text == null || text.isBlank() || !("user".equals(role) || "assistant".equals(role))) {
            return;
        }
        turns.addLast(new ContextEntry(role, text.strip()));
        int chars = turns.stream().mapToInt(turn -> turn.text().length()).sum();
        while (turns.size() > maxTurns || (chars > maxChars && turns.size() > 1)) {
            chars -= turns.removeFirst().text().length();
            dropped++;
        }
    }

    synchronized int size() {
        return turns.size();
    }

    /** The {@code conversation.item.create} events that put the remembered turns into a new upstream session. */
    synchronized List<String> items() {
        generation++;
        List<String> items = new ArrayList<>(turns.size() + 1);
        int index = 0;
        if (dropped > 0) {
            items.add(item(index++, "system", "input_text", "This conversation continues from an earlier session; "
                    + dropped + " older turns are not shown."));
        }
        for (ContextEntry turn : turns) {
            boolean user = "user".equals(turn.role());
            items.add(item(index++, turn.role(), user ? "input_text" : "output_text", turn.text()));
        }
        return items;
    }

    static boolean isSeedItem(String itemId) {
        return itemId != null && itemId.startsWith(ITEM_PREFIX);
    }

    private String item(int index, String role, String partType, String text) {
        ObjectNode event = RealtimeJson.object();
        event.put("type", "conversation.item.create");
        event.put("event_id", RealtimeJson.gatewayEventId());
        ObjectNode item = event.putObject("item");
        item.put("id", ITEM_PREFIX + generation + "_" + index);
        item.put("type", "message");
        item.put("role", role);
        item.putArray("content").addObject().put("type", partType).put("text", text);
        return RealtimeJson.write(event);
    }
}
