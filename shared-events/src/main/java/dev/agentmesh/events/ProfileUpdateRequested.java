package dev.agentmesh.events;

import java.time.Instant;
import java.util.List;

/**
 * The user sets profile fields explicitly (from the page, through the gateway). A null field stays as it is;
 * every non-null field becomes set by the user, replacing a learned value.
 */
public record ProfileUpdateRequested(
        String eventId, Instant occurredAt, int schemaVersion, String userId,
        String name, String homeCity, Units units, List<String> interests, String language) implements MemoryCommand {

    public static final String TYPE = "profile-update-requested";

    public ProfileUpdateRequested {
        Require.text(eventId, "eventId");
        Require.present(occurredAt, "occurredAt");
        Require.version(schemaVersion);
        Require.text(userId, "userId");
        interests = interests == null ? null : List.copyOf(interests);
    }

    public static ProfileUpdateRequested of(String userId, String name, String homeCity, Units units,
                                            List<String> interests, String language) {
        return new ProfileUpdateRequested(Ids.newId(), Instant.now(), SCHEMA_VERSION, userId, name, homeCity, units,
                interests, language);
    }
}
