package dev.agentmesh.memory.api;

import dev.agentmesh.events.ProfileFact;
import dev.agentmesh.events.Units;
import dev.agentmesh.events.UserProfile;

import java.time.Instant;
import java.util.List;

/**
 * A user's profile as the API shows it: every field present, null when not known, else its value, whether the
 * user set it or it was learned (and from which sentence), and when.
 *
 * @param updatedAt when the profile last changed; null for an empty profile
 */
record ProfileView(String userId, ProfileFact<String> name, ProfileFact<String> homeCity, ProfileFact<Units> units,
                   ProfileFact<List<String>> interests, ProfileFact<String> language, Instant updatedAt) {

    static ProfileView of(String userId, UserProfile profile) {
        if (profile == null) {
            return new ProfileView(userId, null, null, null, null, null, null);
        }
        return new ProfileView(userId, profile.name(), profile.homeCity(), profile.units(), profile.interests(),
                profile.language(), profile.occurredAt());
    }
}
