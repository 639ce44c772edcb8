package dev.agentmesh.events;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;

/**
 * One field of a {@link UserProfile}: its value and where it came from.
 *
 * @param source whether the user set it (a learned fact never replaces such a value) or it was learned from a
 *               turn
 * @param learnedFrom the sentence it was learned from; null when the user set it
 * @param at when it was set or learned
 */
public record ProfileFact<T>(T value, Source source, String learnedFrom, Instant at) {

    public enum Source {
        @JsonProperty("user") USER,
        @JsonProperty("learned") LEARNED
    }

    public ProfileFact {
        Require.present(value, "value");
        Require.present(source, "source");
        Require.present(at, "at");
        learnedFrom = source == Source.USER ? null : learnedFrom;
    }

    public static <T> ProfileFact<T> setByUser(T value, Instant at) {
        return new ProfileFact<>(value, Source.USER, null, at);
    }

    public static <T> ProfileFact<T> learned(T value, String sentence, Instant at) {
        return new ProfileFact<>(value, Source.LEARNED, sentence, at);
    }

    public boolean setByUser() {
        return source == Source.USER;
    }
}
