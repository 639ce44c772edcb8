package dev.agentmesh.events;

import java.util.List;

/**
 * What a task may know about the user it is for, from the user's profile: values only (not where they were learned).
 * Agents adapt to it: weather defaults to the home city and units, news ranks by interests, chat uses the name.
 * Every field may be null (not known).
 *
 * @param units {@code metric} or {@code imperial}
 * @param interests topics the user follows
 * @param language an ISO 639-1 code such as {@code fr}
 */
public record UserContext(String name, String homeCity, String units, List<String> interests, String language) {

    public UserContext {
        interests = interests == null ? List.of() : List.copyOf(interests);
    }

    /** The values of a stored profile, or null when the profile knows nothing. */
    public static UserContext of(UserProfile profile) {
        if (profile == null || profile.isEmpty()) {
            return null;
        }
        return new UserContext(value(profile.name()), value(profile.homeCity()),
                profile.units() == null ? null : profile.units().value().name().toLowerCase(java.util.Locale.ROOT),
                profile.interests() == null ? List.of() : profile.interests().value(), value(profile.language()));
    }

    private static String value(ProfileFact<String> fact) {
        return fact == null ? null : fact.value();
    }
}
