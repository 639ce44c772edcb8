package dev.agentmesh.gateway.realtime;

import dev.agentmesh.events.ContextEntry;

import java.util.ArrayList;
import java.util.List;

/**
 * What a task takes along as context: the session's last few turns and its last few agent results, in the
 * order they happened. Not thread-safe: the session calls it under its lock.
 */
final class ConversationMemory {

    private static final int AGENT_RESULTS_KEPT = 3;
    private static final int MAX_TEXT = 2_000;

    private final int turnsKept;
    private final List<ContextEntry> entries = new ArrayList<>();

    ConversationMemory(int turnsKept) {
        this.turnsKept = turnsKept;
    }

    void turn(String role, String text) {
        if (text == null || text.isBlank()) {
            return;
        }
        entries.add(new ContextEntry(role, clip(text.strip())));
        trim();
    }

    void agentResult(String summary) {
        entries.add(new ContextEntry("agent", clip(summary)));
        trim();
    }

    List<ContextEntry> context() {
        return List.copyOf(entries);
    }

    private void trim() {
        long turns = entries.stream().filter(entry -> !entry.role().equals("agent")).count();
        long results = entries.size() - turns;
        for (int i = 0; i < entries.size() && (turns > turnsKept || results > AGENT_RESULTS_KEPT); ) {
            boolean agent = entries.get(i).role().equals("agent");
            if (agent && results > AGENT_RESULTS_KEPT) {
                entries.remove(i);
                results--;
            } else if (!agent && turns > turnsKept) {
                entries.remove(i);
                turns--;
            } else {
                i++;
            }
        }
    }

    private static String clip(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "…";
    }
}
