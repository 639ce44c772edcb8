package dev.agentmesh.emulator.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Lower-cased word tokens, with tool names split on underscores and camel case. */
final class Words {

    static final Set<String> STOP_WORDS = Set.of("the", "and", "for", "what", "whats", "with", "about", "how",
            "is", "in", "on", "at", "to", "of", "a", "an", "me", "my", "you", "your", "it", "its", "are", "any",
            "can", "tell", "please", "get", "give", "current", "this", "that", "there", "do", "does");

    private Words() {
    }

    static List<String> of(String text) {
        String spaced = text.replaceAll("([a-z])([A-Z])", "$1 $2").replace('_', ' ').replace('-', ' ');
        List<String> words = new ArrayList<>();
        for (String word : spaced.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }

    static List<String> meaningful(String text) {
        return of(text).stream().filter(word -> word.length() > 2 && !STOP_WORDS.contains(word)).toList();
    }
}
