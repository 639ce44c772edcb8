package dev.agentmesh.memory.history;

import java.util.List;
import java.util.Optional;

/** A user's recent conversations, most recently updated first: the value of the history store, keyed by user id. */
public record UserHistory(List<Conversation> conversations) {

    public UserHistory {
        conversations = conversations == null ? List.of() : List.copyOf(conversations);
    }

    public static UserHistory empty() {
        return new UserHistory(List.of());
    }

    public Optional<Conversation> conversation(String conversationId) {
        return conversations.stream().filter(c -> c.conversationId().equals(conversationId)).findFirst();
    }

    public boolean isEmpty() {
        return conversations.isEmpty();
    }
}
