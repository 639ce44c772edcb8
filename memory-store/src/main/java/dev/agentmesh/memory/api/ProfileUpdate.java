package dev.agentmesh.memory.api;

import dev.agentmesh.events.ProfileUpdateRequested;
import dev.agentmesh.events.Units;
import dev.agentmesh.memory.InvalidRequestException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The body of {@code PUT /profile}: the fields to set, each becoming set by the user. An absent (or null) field
 * stays as it is; a field is removed with {@code DELETE /profile/{field}}.
 *
 * @param units {@code metric} or {@code imperial}
 * @param interests replaces the whole list; an empty list means "no interests" (set by the user)
 * @param language an ISO 639 code such as {@code fr} or {@code pt-BR}
 */
record ProfileUpdate(String name, String homeCity, String units, List<String> interests, String language) {

    static final int MAX_TEXT = 100;
    static final int MAX_INTERESTS = 20;
    static final int MAX_INTEREST = 60;
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8})?");

    ProfileUpdateRequested toCommand(String userId) {
        if (name == null && homeCity == null && units == null && interests == null && language == null) {
            throw new InvalidRequestException("set at least one of name, homeCity, units, interests, language");
        }
        return ProfileUpdateRequested.of(userId, text(name, "name"), text(homeCity, "homeCity"), parsedUnits(),
                parsedInterests(), parsedLanguage());
    }

    private static String text(String value, String field) {
        if (value == null) {
            return null;
        }
        String stripped = value.strip();
        if (stripped.isEmpty()) {
            throw new InvalidRequestException(field + " must not be blank (DELETE /profile/" + field
                    + " forgets it)");
        }
        if (stripped.length() > MAX_TEXT || stripped.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidRequestException(field + " must be at most " + MAX_TEXT
                    + " characters without control characters");
        }
        return stripped;
    }

    private Units parsedUnits() {
        if (units == null) {
            return null;
        }
        return switch (units.strip().toLowerCase(Locale.ROOT)) {
            case "metric" -> Units.METRIC;
            case "imperial" -> Units.IMPERIAL;
            default -> throw new InvalidRequestException("units must be metric or imperial");
        };
    }

    private List<String> parsedInterests() {
        if (interests == null) {
            return null;
        }
        if (interests.size() > MAX_INTERESTS) {
            throw new InvalidRequestException("interests may hold at most " + MAX_INTERESTS + " entries");
        }
        List<String> kept = new ArrayList<>();
        for (String interest : interests) {
            if (interest == null || interest.isBlank() || interest.strip().length() > MAX_INTEREST
                    || interest.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidRequestException("each interest must be 1 to " + MAX_INTEREST
                        + " characters without control characters");
            }
            if (kept.stream().noneMatch(known -> known.equalsIgnoreCase(interest.strip()))) {
                kept.add(interest.strip());
            }
        }
        return kept;
    }

    private String parsedLanguage() {
        if (language == null) {
            return null;
        }
        if (!LANGUAGE.matcher(language.strip()).matches()) {
            throw new InvalidRequestException("language must be an ISO 639 code such as fr or pt-BR");
        }
        return language.strip();
    }
}
