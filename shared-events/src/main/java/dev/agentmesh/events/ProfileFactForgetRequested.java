package dev.agentmesh.events;

import java.time.Instant;

/** The user asks the assistant to forget one field of their profile, whether they set it or it was learned. */
public record ProfileFactForgetRequested(
        String eventId, Instant occurredAt, int schemaVersion, String userId, ProfileField field)
        implements MemoryCommand {

    public static final String TYPE = "profile-fact-forget-requested";

    public ProfileFactForgetRequested {
        Require.text(eventId, "eventId");
        Require.present(occurredAt, "occurredAt");
        Require.version(schemaVersion);
        Require.text(userId, "userId");
        Require.present(field, "field");
    }

    public static ProfileFactForgetRequested of(String userId, ProfileField field) {
        return new ProfileFactForgetRequested(Ids.newId(), Instant.now(), SCHEMA_VERSION, userId, field);
    }
}
