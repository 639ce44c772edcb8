package dev.agentmesh.weather;

import dev.agentmesh.events.ContextEntry;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the place a weather request is about: a capitalised name after "in", "for", "at"… ("New York",
 * "Rio de Janeiro"), else any capitalised name that is not an ordinary word, else (for lower-case voice
 * transcripts) the words after such a preposition. Falls back to the conversation's recent user turns.
 */
final class PlaceExtractor {

    private static final String NAME = "\\p{Lu}[\\p{L}'’.-]*(?:\\s+(?:(?:de|da|do|del|la|le|los|las|upon|on|am|an|sur)\\s+)?\\p{Lu}[\\p{L}'’.-]*)*";
    private static final Pattern AFTER_PREPOSITION = Pattern.compile(
            "\\b(?:in|for|at|near|around|to|of)\\s+(?:the\\s+city\\s+of\\s+)?(" + NAME + ")");
    private static final Pattern CAPITALISED = Pattern.compile("(?<![\\p{L}])(" + NAME + ")");
    private static final Pattern LOWER_CASE_AFTER_PREPOSITION = Pattern.compile(
            "\\b(?:in|for|at|near)\\s+([\\p{L}'’.-]+(?:\\s+[\\p{L}'’.-]+)?)", Pattern.CASE_INSENSITIVE);

    /** Capitalised words that are not places: sentence starts, pronouns, days, months, weather words. */
    private static final Set<String> NOT_PLACES = Set.of("i", "i'm", "i'd", "what", "what's", "whats", "is",
            "are", "do", "does", "how", "will", "would", "could", "can", "should", "give", "tell", "show", "plan",
            "given", "any", "morning", "evening", "afternoon", "tonight", "today", "tomorrow", "weather", "forecast",
            "please", "hi", "hello", "hey", "the", "and", "in", "on", "at", "for", "monday", "tuesday", "wednesday",
            "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june",
            "july", "august", "september", "october", "november", "december", "news", "headlines", "summarize",
            "explain", "there", "here", "it", "it's", "this", "that", "celsius", "fahrenheit", "am", "pm", "ok",
            "okay", "yes", "no", "thanks", "thank", "a", "an", "my", "me", "we", "you", "your", "our", "let's",
            "right", "now", "later", "next", "week", "weekend", "again", "also", "then", "so", "well", "und", "et",
            "y", "e", "ed");
    private static final Set<String> TRAILING_WORDS = Set.of("today", "tomorrow", "tonight", "now", "this",
            "right", "and", "please", "later", "next", "on", "at", "in", "the", "then", "there", "too");

    Optional<String> find(String text, List<ContextEntry> context) {
        Optional<String> place = find(text);
        for (int i = context.size() - 1; place.isEmpty() && i >= 0; i--) {
            ContextEntry entry = context.get(i);
            if (entry.role().equals("user")) {
                place = find(entry.text());
            }
        }
        return place;
    }

    Optional<String> find(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        Optional<String> named = first(AFTER_PREPOSITION.matcher(text));
        if (named.isEmpty()) {
            named = first(CAPITALISED.matcher(text));
        }
        if (named.isEmpty() && text.equals(text.toLowerCase())) {
            named = lowerCase(text);
        }
        return named;
    }

    private static Optional<String> first(Matcher matcher) {
        while (matcher.find()) {
            String candidate = trim(matcher.group(1));
            if (!candidate.isEmpty()) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> lowerCase(String text) {
        Matcher matcher = LOWER_CASE_AFTER_PREPOSITION.matcher(text);
        while (matcher.find()) {
            String candidate = trim(matcher.group(1));
            if (!candidate.isEmpty()) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** An ordinary word, or a day in any language the agent reads ("Mañana", "Samstag"). */
    private static boolean notAPlace(String word) {
        return NOT_PLACES.contains(word.toLowerCase()) || DayExtractor.namesADay(word);
    }

    /** Drops leading and trailing words that are not part of a name ("Tokyo Today" → "Tokyo"). */
    private static String trim(String candidate) {
        String[] words = candidate.replaceAll("[’']s$", "").replaceAll("[.?!,]+$", "").split("\\s+");
        int start = 0;
        int end = words.length;
        while (start < end && notAPlace(words[start])) {
            start++;
        }
        while (end > start && (TRAILING_WORDS.contains(words[end - 1].toLowerCase()) || notAPlace(words[end - 1]))) {
            end--;
        }
        return String.join(" ", java.util.Arrays.copyOfRange(words, start, end));
    }
}
