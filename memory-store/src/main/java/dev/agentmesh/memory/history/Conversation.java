package dev.agentmesh.memory.history;

import java.time.Instant;
import java.util.List;

/**
 * One conversation of a user, as kept: its most recent turns, oldest first.
 *
 * @param title the first user turn, shortened; null until the user has said something
 * @param updatedAt when its latest turn happened
 */
public record Conversation(String conversationId, String title, Instant updatedAt, List<Turn> turns) {

    public Conversation {
        turns = List.copyOf(turns);
    }
}
