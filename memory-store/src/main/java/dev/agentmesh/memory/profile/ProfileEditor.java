package dev.agentmesh.memory.profile;

import dev.agentmesh.events.Event;
import dev.agentmesh.events.Ids;
import dev.agentmesh.events.ProfileFact;
import dev.agentmesh.events.ProfileField;
import dev.agentmesh.events.ProfileUpdateRequested;
import dev.agentmesh.events.Units;
import dev.agentmesh.events.UserProfile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Changes profiles: what the user sets always wins; a learned fact fills or replaces only a field that was not
 * set by the user. Every change is a new {@link UserProfile} version.
 */
public final class ProfileEditor {

    /** Learned interests kept per user, the most recent ones. */
    static final int MAX_LEARNED_INTERESTS = 10;

    private ProfileEditor() {
    }

    public static UserProfile apply(UserProfile current, ProfileUpdateRequested update, Instant at) {
        Fields fields = Fields.of(current);
        if (update.name() != null) {
            fields.name = ProfileFact.setByUser(update.name(), at);
        }
        if (update.homeCity() != null) {
            fields.homeCity = ProfileFact.setByUser(update.homeCity(), at);
        }
        if (update.units() != null) {
            fields.units = ProfileFact.setByUser(update.units(), at);
        }
        if (update.interests() != null) {
            fields.interests = ProfileFact.setByUser(List.copyOf(update.interests()), at);
        }
        if (update.language() != null) {
            fields.language = ProfileFact.setByUser(update.language(), at);
        }
        return fields.toProfile(update.userId(), at);
    }

    public static UserProfile forget(UserProfile current, ProfileField field, Instant at) {
        Fields fields = Fields.of(current);
        switch (field) {
            case NAME -> fields.name = null;
            case HOME_CITY -> fields.homeCity = null;
            case UNITS -> fields.units = null;
            case INTERESTS -> fields.interests = null;
            case LANGUAGE -> fields.language = null;
        }
        return fields.toProfile(current.userId(), at);
    }

    /** The profile with what was learned, or empty when nothing changed (every fact already known or user-set). */
    @SuppressWarnings("unchecked")
    public static Optional<UserProfile> learn(UserProfile current, List<LearnedFact> facts, Instant at) {
        Fields fields = Fields.of(current);
        boolean changed = false;
        for (LearnedFact fact : facts) {
            switch (fact.field()) {
                case NAME -> {
                    ProfileFact<String> next = learned(fields.name, (String) fact.value(), fact.sentence(), at);
                    changed |= next != fields.name;
                    fields.name = next;
                }
                case HOME_CITY -> {
                    ProfileFact<String> next = learned(fields.homeCity, (String) fact.value(), fact.sentence(), at);
                    changed |= next != fields.homeCity;
                    fields.homeCity = next;
                }
                case UNITS -> {
                    ProfileFact<Units> next = learned(fields.units, (Units) fact.value(), fact.sentence(), at);
                    changed |= next != fields.units;
                    fields.units = next;
                }
                case LANGUAGE -> {
                    ProfileFact<String> next = learned(fields.language, (String) fact.value(), fact.sentence(), at);
                    changed |= next != fields.language;
                    fields.language = next;
                }
                case INTERESTS -> {
                    ProfileFact<List<String>> next = learnedInterests(fields.interests,
                            (List<String>) fact.value(), fact.sentence(), at);
                    changed |= next != fields.interests;
                    fields.interests = next;
                }
            }
        }
        return changed ? Optional.of(fields.toProfile(current.userId(), at)) : Optional.empty();
    }

    /** The fields whose value or origin differ between two versions of a profile. */
    public static List<ProfileField> changedFields(UserProfile before, UserProfile after) {
        List<ProfileField> changed = new ArrayList<>();
        if (!java.util.Objects.equals(before.name(), after.name())) {
            changed.add(ProfileField.NAME);
        }
        if (!java.util.Objects.equals(before.homeCity(), after.homeCity())) {
            changed.add(ProfileField.HOME_CITY);
        }
        if (!java.util.Objects.equals(before.units(), after.units())) {
            changed.add(ProfileField.UNITS);
        }
        if (!java.util.Objects.equals(before.interests(), after.interests())) {
            changed.add(ProfileField.INTERESTS);
        }
        if (!java.util.Objects.equals(before.language(), after.language())) {
            changed.add(ProfileField.LANGUAGE);
        }
        return changed;
    }

    private static <T> ProfileFact<T> learned(ProfileFact<T> current, T value, String sentence, Instant at) {
        if (current != null && (current.setByUser() || current.value().equals(value))) {
            return current;
        }
        return ProfileFact.learned(value, sentence, at);
    }

    private static ProfileFact<List<String>> learnedInterests(ProfileFact<List<String>> current, List<String> values,
                                                              String sentence, Instant at) {
        if (current != null && current.setByUser()) {
            return current;
        }
        List<String> merged = new ArrayList<>(current == null ? List.of() : current.value());
        boolean added = false;
        for (String value : values) {
            if (merged.stream().noneMatch(known -> known.toLowerCase(Locale.ROOT).equals(value.toLowerCase(Locale.ROOT)))) {
                merged.add(value);
                added = true;
            }
        }
        if (!added) {
            return current;
        }
        while (merged.size() > MAX_LEARNED_INTERESTS) {
            merged.removeFirst();
        }
        return ProfileFact.learned(merged, sentence, at);
    }

    private static final class Fields {
        ProfileFact<String> name;
        ProfileFact<String> homeCity;
        ProfileFact<Units> units;
        ProfileFact<List<String>> interests;
        ProfileFact<String> language;

        static Fields of(UserProfile profile) {
            Fields fields = new Fields();
            fields.name = profile.name();
            fields.homeCity = profile.homeCity();
            fields.units = profile.units();
            fields.interests = profile.interests();
            fields.language = profile.language();
            return fields;
        }

        UserProfile toProfile(String userId, Instant at) {
            return new UserProfile(Ids.newId(), at, Event.SCHEMA_VERSION, userId, name, homeCity, units, interests,
                    language);
        }
    }
}
