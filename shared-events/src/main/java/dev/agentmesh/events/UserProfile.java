package dev.agentmesh.events;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;
import java.util.List;

/**
 * What the assistant knows about a user, keyed by user id on the compacted {@link Topics#USER_PROFILES}; a
 * tombstone (null value) means the user asked to be forgotten. Written only by the memory store; every field
 * may be null (not known).
 *
 * @param interests topics the user follows, most recent last
 * @param language the language the user wants answers in, as an ISO 639-1 code such as {@code fr}
 */
public record UserProfile(
        String eventId, Instant occurredAt, int schemaVersion, String userId,
        ProfileFact<String> name, ProfileFact<String> homeCity, ProfileFact<Units> units,
        ProfileFact<List<String>> interests, ProfileFact<String> language) implements Event {

    public static final String TYPE = "user-profile";

    public UserProfile {
        Require.text(eventId, "eventId");
        Require.present(occurredAt, "occurredAt");
        Require.version(schemaVersion);
        Require.text(userId, "userId");
        if (interests != null) {
            interests = new ProfileFact<>(List.copyOf(interests.value()), interests.source(), interests.learnedFrom(),
                    interests.at());
        }
    }

    /** A user nothing is known about. */
    public static UserProfile empty(String userId) {
        return new UserProfile(Ids.newId(), Instant.now(), SCHEMA_VERSION, userId, null, null, null, null, null);
    }

    @JsonIgnore
    public boolean isEmpty() {
        return name == null && homeCity == null && units == null && interests == null && language == null;
    }
}
