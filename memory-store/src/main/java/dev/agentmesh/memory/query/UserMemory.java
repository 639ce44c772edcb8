package dev.agentmesh.memory.query;

import dev.agentmesh.events.UserProfile;
import dev.agentmesh.memory.history.UserHistory;

/**
 * Everything the store holds about one user, read from the instance that owns the user's partition.
 *
 * @param history never null (empty when nothing is kept)
 * @param profile null when nothing is known
 */
public record UserMemory(UserHistory history, UserProfile profile) {

    public UserMemory {
        history = history == null ? UserHistory.empty() : history;
    }
}
