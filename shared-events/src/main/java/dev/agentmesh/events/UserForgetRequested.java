package dev.agentmesh.events;

import java.time.Instant;

/**
 * "Forget me": the memory store deletes the user's profile (a tombstone on {@link Topics#USER_PROFILES}) and
 * history, and ignores turns of that user that happened before {@code occurredAt} and arrive later.
 */
public record UserForgetRequested(String eventId, Instant occurredAt, int schemaVersion, String userId)
        implements MemoryCommand {

    public static final String TYPE = "user-forget-requested";

    public UserForgetRequested {
        Require.text(eventId, "eventId");
        Require.present(occurredAt, "occurredAt");
        Require.version(schemaVersion);
        Require.text(userId, "userId");
    }

    public static UserForgetRequested of(String userId) {
        return new UserForgetRequested(Ids.newId(), Instant.now(), SCHEMA_VERSION, userId);
    }
}
