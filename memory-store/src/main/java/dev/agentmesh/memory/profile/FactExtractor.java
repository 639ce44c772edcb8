package dev.agentmesh.memory.profile;

import dev.agentmesh.events.ProfileField;
import dev.agentmesh.events.Units;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small set of English rules that read facts a user states about themselves: "I live in Lyon", "I'm from
 * Berlin", "my name is Ana", "call me Sam", "I follow Formula 1", "I'm interested in climate news", "use
 * Fahrenheit", "answer in French". Deliberately conservative: questions, negations ("I don't live in …") and
 * values that are not names of things ("call me when …", "I live in a flat") learn nothing. A place or a name is
 * the run of capitalised words after the phrase, or, when the user types all in lower case, the words up to the
 * next ordinary word.
 */
public final class FactExtractor {

    private static final int MAX_SENTENCE = 200;

    private static final Pattern SENTENCES = Pattern.compile("(?<=[.!?;])\\s+|\\n+");

    private static final Pattern NAME = Pattern.compile(
            "\\b(?:my name is|my name's|call me|i go by|i'm called|i am called)\\s+(.+)", Pattern.CASE_INSENSITIVE);

    private static final Pattern HOME = Pattern.compile("\\b(?:"
            + "(?:i|we)\\s+(?:now\\s+|currently\\s+|still\\s+)?(?:live|reside)\\s+in"
            + "|(?:i'm|i am|we're|we are)\\s+(?:now\\s+|currently\\s+)?(?:living|based)\\s+in"
            + "|(?:i'm|i am|we're|we are)\\s+(?:originally\\s+)?from"
            + "|(?:i|we)\\s+come\\s+from"
            + "|(?:i|we|i've|i have|we've|we have)\\s+(?:just\\s+|recently\\s+)?moved\\s+to"
            + "|my\\s+home\\s*town\\s+is)\\s+(.+)", Pattern.CASE_INSENSITIVE);

    private static final Pattern INTEREST = Pattern.compile("\\b(?:"
            + "i\\s+(?:really\\s+|also\\s+)?(?:follow|care\\s+about)"
            + "|(?:i'm|i am)\\s+(?:really\\s+|very\\s+|quite\\s+|also\\s+|so\\s+)?(?:interested\\s+in|into)"
            + "|(?:i'm|i am)\\s+(?:a\\s+)?(?:big\\s+|huge\\s+|great\\s+)?fan\\s+of"
            + "|keep\\s+me\\s+(?:posted|updated)\\s+(?:on|about))\\s+(.+)", Pattern.CASE_INSENSITIVE);

    private static final Pattern LANGUAGE = Pattern.compile("\\b(?:"
            + "i\\s+speak"
            + "|my\\s+(?:native\\s+|first\\s+|preferred\\s+)?language\\s+is"
            + "|(?:answer|answers|reply|replies|respond|talk\\s+to\\s+me|speak\\s+to\\s+me|write)\\s+in)"
            + "\\s+(\\p{L}+)", Pattern.CASE_INSENSITIVE);

    private static final Pattern IMPERIAL = Pattern.compile(
            "\\b(?:fahrenheit|imperial|miles|mph|feet|inches|pounds)\\b|°f\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern METRIC = Pattern.compile(
            "\\b(?:celsius|centigrade|metric|kilometers|kilometres|km/h|kph|meters|metres)\\b|°c\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern PREFERENCE = Pattern.compile(
            "\\b(?:use|using|prefer|please|switch|change|always|want|i'd like|i like|give me|show me|tell me)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern REQUEST_QUESTION = Pattern.compile(
            "^(?:can|could|would|will)\\s+you\\b|\\bplease\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern NEGATION = Pattern.compile(
            "\\b(?:don't|do not|doesn't|never|not|no longer|stop|no more)\\b", Pattern.CASE_INSENSITIVE);

    private static final Pattern VALUE_END = Pattern.compile("[,.;:!?()\"“”]");

    /** Words that end a lower-case value, or that cannot start one. */
    private static final Set<String> ORDINARY = Set.of(
            "a", "an", "the", "my", "our", "your", "his", "her", "their", "this", "that", "these", "those", "it",
            "and", "or", "but", "so", "because", "as", "if", "when", "whenever", "while", "where", "which", "who",
            "with", "without", "for", "at", "on", "in", "by", "to", "of", "from", "near", "since", "until",
            "now", "then", "here", "there", "today", "tomorrow", "yesterday", "tonight", "soon", "later", "again",
            "last", "next", "ago", "year", "years", "month", "months", "week", "weeks", "recently", "anymore",
            "please", "thanks", "thank", "too", "also", "really", "actually", "back", "anytime", "sometime",
            "i", "i'm", "me", "you", "we", "they", "he", "she", "is", "am", "are", "was", "be", "not", "just",
            "what", "how", "why", "whether", "everything", "nothing", "anything", "something", "them", "him",
            "us", "everyone", "anyone", "someone", "lots", "lot", "all", "some", "any", "very", "much", "more");

    /** Small words allowed inside a capitalised place name ("Rio de Janeiro", "Frankfurt am Main"). */
    private static final Set<String> NAME_CONNECTORS = Set.of("de", "da", "do", "del", "la", "le", "am", "upon",
            "on", "of", "sur", "en");

    private static final Set<String> NOT_A_TOPIC = Set.of("it", "that", "this", "you", "him", "her", "them", "me",
            "us", "what", "how", "why", "whether", "if", "everything", "nothing", "anything", "something", "my",
            "your", "whatever", "whoever", "who", "where", "when");
    private static final List<String> TOPIC_TAILS = List.of(" news", " updates", " a lot", " too", " as well",
            " very much", " these days");

    private static final Map<String, String> LANGUAGES = Map.ofEntries(
            Map.entry("english", "en"), Map.entry("french", "fr"), Map.entry("german", "de"),
            Map.entry("spanish", "es"), Map.entry("italian", "it"), Map.entry("portuguese", "pt"),
            Map.entry("dutch", "nl"), Map.entry("polish", "pl"), Map.entry("swedish", "sv"),
            Map.entry("norwegian", "no"), Map.entry("danish", "da"), Map.entry("finnish", "fi"),
            Map.entry("greek", "el"), Map.entry("turkish", "tr"), Map.entry("russian", "ru"),
            Map.entry("ukrainian", "uk"), Map.entry("czech", "cs"), Map.entry("romanian", "ro"),
            Map.entry("hungarian", "hu"), Map.entry("japanese", "ja"), Map.entry("chinese", "zh"),
            Map.entry("mandarin", "zh"), Map.entry("korean", "ko"), Map.entry("arabic", "ar"),
            Map.entry("hindi", "hi"), Map.entry("hebrew", "he"), Map.entry("catalan", "ca"));

    private FactExtractor() {
    }

    /** Every fact stated in {@code text}, a user's turn; later sentences win over earlier ones for the same field. */
    public static List<LearnedFact> extract(String text) {
        List<LearnedFact> facts = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return facts;
        }
        for (String raw : SENTENCES.split(text.replace('’', '\''))) {
            String sentence = raw.strip();
            if (sentence.isEmpty()) {
                continue;
            }
            String quoted = sentence.length() > MAX_SENTENCE ? sentence.substring(0, MAX_SENTENCE) : sentence;
            boolean question = sentence.endsWith("?");
            boolean request = REQUEST_QUESTION.matcher(sentence).find();
            if (!question) {
                name(sentence).ifPresent(v -> facts.add(new LearnedFact(ProfileField.NAME, v, quoted)));
                home(sentence).ifPresent(v -> facts.add(new LearnedFact(ProfileField.HOME_CITY, v, quoted)));
                interests(sentence).ifPresent(v -> facts.add(new LearnedFact(ProfileField.INTERESTS, v, quoted)));
            }
            if (!question || request) {
                units(sentence).ifPresent(v -> facts.add(new LearnedFact(ProfileField.UNITS, v, quoted)));
                language(sentence).ifPresent(v -> facts.add(new LearnedFact(ProfileField.LANGUAGE, v, quoted)));
            }
        }
        return facts;
    }

    static Optional<String> name(String sentence) {
        Matcher matcher = NAME.matcher(sentence);
        if (!matcher.find() || negatedBefore(sentence, matcher.start())) {
            return Optional.empty();
        }
        return properName(matcher.group(1), 3);
    }

    static Optional<String> home(String sentence) {
        Matcher matcher = HOME.matcher(sentence);
        if (!matcher.find() || negatedBefore(sentence, matcher.start())) {
            return Optional.empty();
        }
        return properName(matcher.group(1), 4);
    }

    static Optional<List<String>> interests(String sentence) {
        Matcher matcher = INTEREST.matcher(sentence);
        if (!matcher.find() || negatedBefore(sentence, matcher.start())) {
            return Optional.empty();
        }
        String tail = matcher.group(1);
        Matcher end = Pattern.compile("[.;:!?()\"]|\\s(?:but|because|so|since|when|if)\\s").matcher(tail);
        if (end.find()) {
            tail = tail.substring(0, end.start());
        }
        List<String> topics = new ArrayList<>();
        for (String item : tail.split(",|\\s+and\\s+|\\s*&\\s*")) {
            topic(item).ifPresent(topics::add);
        }
        return topics.isEmpty() || topics.size() > 5 ? Optional.empty() : Optional.of(List.copyOf(topics));
    }

    static Optional<Units> units(String sentence) {
        boolean imperial = IMPERIAL.matcher(sentence).find();
        boolean metric = METRIC.matcher(sentence).find();
        if (imperial == metric || NEGATION.matcher(sentence).find()) {
            return Optional.empty();
        }
        boolean preference = PREFERENCE.matcher(sentence).find()
                || sentence.strip().toLowerCase(Locale.ROOT).matches("^(?:in\\s+)?\\p{L}+(?:\\s+units)?[.!]*$");
        if (!preference) {
            return Optional.empty();
        }
        return Optional.of(imperial ? Units.IMPERIAL : Units.METRIC);
    }

    static Optional<String> language(String sentence) {
        Matcher matcher = LANGUAGE.matcher(sentence);
        if (!matcher.find() || negatedBefore(sentence, matcher.start())) {
            return Optional.empty();
        }
        return Optional.ofNullable(LANGUAGES.get(matcher.group(1).toLowerCase(Locale.ROOT)));
    }

    private static Optional<String> topic(String item) {
        String topic = item.strip();
        if (topic.toLowerCase(Locale.ROOT).startsWith("the ")) {
            topic = topic.substring(4).strip();
        }
        boolean trimmed = true;
        while (trimmed) {
            trimmed = false;
            for (String tail : TOPIC_TAILS) {
                if (topic.toLowerCase(Locale.ROOT).endsWith(tail)) {
                    topic = topic.substring(0, topic.length() - tail.length()).strip();
                    trimmed = true;
                }
            }
        }
        if (topic.isEmpty() || topic.length() > 60) {
            return Optional.empty();
        }
        String[] words = topic.split("\\s+");
        if (words.length > 5 || NOT_A_TOPIC.contains(words[0].toLowerCase(Locale.ROOT))
                || topic.equalsIgnoreCase("news")) {
            return Optional.empty();
        }
        return Optional.of(topic);
    }

    /**
     * The name at the start of {@code tail}: its capitalised words (with connectors inside), or, when the tail is
     * all lower case, its words up to the first ordinary one, capitalised. Empty when it does not start with one.
     */
    static Optional<String> properName(String tail, int maxWords) {
        Matcher end = VALUE_END.matcher(tail);
        String value = end.find() ? tail.substring(0, end.start()) : tail;
        boolean lowerCase = value.chars().noneMatch(Character::isUpperCase);
        List<String> words = Arrays.stream(value.strip().split("\\s+")).filter(w -> !w.isEmpty()).toList();
        List<String> name = new ArrayList<>();
        for (int i = 0; i < words.size() && name.size() < maxWords; i++) {
            String word = words.get(i);
            String lower = word.toLowerCase(Locale.ROOT);
            if (!word.matches("[\\p{L}][\\p{L}'-]*")) {
                break;
            }
            if (lowerCase) {
                if (ORDINARY.contains(lower)) {
                    break;
                }
                name.add(capitalise(word));
            } else if (Character.isUpperCase(word.charAt(0))) {
                name.add(word);
            } else if (!name.isEmpty() && NAME_CONNECTORS.contains(lower) && i + 1 < words.size()
                    && Character.isUpperCase(words.get(i + 1).charAt(0))) {
                name.add(word);
            } else {
                break;
            }
        }
        if (name.isEmpty() || ORDINARY.contains(name.getFirst().toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        return Optional.of(String.join(" ", name));
    }

    private static boolean negatedBefore(String sentence, int start) {
        String before = sentence.substring(Math.max(0, start - 14), start);
        return NEGATION.matcher(before).find();
    }

    private static String capitalise(String word) {
        return word.substring(0, 1).toUpperCase(Locale.ROOT) + word.substring(1);
    }
}
