package dev.agentmesh.news;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Picks the items relevant to a request. The request's words, minus stop words and words that only say "news",
 * are expanded with topic vocabularies (technology, sports, business…) and place names with their adjectives
 * (France, French); items score by matches in the title (double) and summary. A request with no such words gets
 * the latest items. Duplicates across feeds (same link, or nearly the same title) are removed.
 * <p>
 * The feeds change every few minutes and requests arrive many times a second, so the words of each item and the
 * removal of duplicates are worked out once per list of items (the last one is kept), not once per request.
 */
final class NewsSelector {

    private static final Pattern NOT_A_WORD = Pattern.compile("[^\\p{L}\\p{N}']+");
    private static final Pattern EDGE_QUOTES = Pattern.compile("^'+|'+$");
    private static final Pattern POSSESSIVE = Pattern.compile("'s$");
    private static final Pattern SCHEME_AND_WWW = Pattern.compile("^https?://(www\\.)?");
    private static final Pattern QUERY_OR_FRAGMENT = Pattern.compile("[?#].*$");
    private static final Pattern TRAILING_SLASH = Pattern.compile("/$");

    /** An item with the words of its title and of its summary. */
    private record Indexed(NewsItem item, Set<String> title, Set<String> summary) {

        static Indexed of(NewsItem item) {
            return new Indexed(item, Set.copyOf(words(item.title())), Set.copyOf(words(item.summary())));
        }

        int score(Set<String> keywords) {
            int score = 0;
            for (String keyword : keywords) {
                score += (title.contains(keyword) ? 2 : 0) + (summary.contains(keyword) ? 1 : 0);
            }
            return score;
        }
    }

    /** The items of one list without duplicates, indexed, and the list they came from. */
    private record Unique(List<NewsItem> from, List<Indexed> items) {
    }

    private volatile Unique last;

    private static final Set<String> STOP_WORDS = Set.copyOf(List.of("a", "an", "the", "and", "or", "of", "in", "on", "at",
            "to", "for", "from", "about", "any", "some", "me", "my", "i", "you", "we", "is", "are", "was", "be",
            "what", "what's", "whats", "how", "tell", "give", "show", "get", "please", "there", "here", "it",
            "this", "that", "these", "those", "with", "today", "today's", "tonight", "week", "this", "latest",
            "news", "headline", "headlines", "top", "main", "stories", "story", "happening", "going", "new",
            "newest", "recent", "current", "breaking", "update", "updates", "summarize", "summarise", "explain",
            "like", "i'm", "im", "twelve", "mean", "means", "what", "it", "do", "does", "did", "can", "could",
            "would", "should", "will", "morning", "briefing", "catch", "up", "weather", "forecast", "rain",
            "evening", "afternoon", "now", "right", "anything", "something", "everything", "related", "relate",
            "world", "day", "daily", "s", "than", "them", "they", "their", "its", "has", "have", "according"));

    private static final Map<String, List<String>> TOPICS = Map.of(
            "technology", List.of("tech", "technology", "ai", "software", "chip", "chips", "computer", "internet",
                    "app", "apps", "startup", "robot", "digital", "cyber", "smartphone"),
            "sports", List.of("sport", "sports", "football", "soccer", "tennis", "match", "league", "cup",
                    "olympic", "olympics", "championship", "nba", "nfl", "cricket", "rugby", "goal", "coach"),
            "business", List.of("business", "economy", "economic", "market", "markets", "stocks", "shares",
                    "company", "bank", "trade", "inflation", "earnings", "ceo", "investors", "prices"),
            "politics", List.of("politics", "political", "election", "elections", "vote", "voters", "parliament",
                    "government", "minister", "president", "campaign", "coalition", "chancellor", "poll", "polls"),
            "science", List.of("science", "research", "scientists", "space", "nasa", "climate", "study"),
            "health", List.of("health", "hospital", "disease", "virus", "vaccine", "medical", "doctors"),
            "weather", List.of("storm", "storms", "hurricane", "flood", "floods", "flooding", "heat", "heatwave",
                    "snow", "rain", "drought", "wildfire", "typhoon", "cyclone", "temperatures"));

    private static final Map<String, List<String>> TOPIC_ALIASES = Map.of(
            "tech", List.of("technology"), "sport", List.of("sports"), "election", List.of("politics"),
            "elections", List.of("politics"), "economy", List.of("business"), "markets", List.of("business"),
            "travellers", List.of("travel"), "travelers", List.of("travel"));

    private static final List<List<String>> PLACES = List.of(
            List.of("france", "french", "paris"), List.of("germany", "german", "berlin"),
            List.of("japan", "japanese", "tokyo"), List.of("italy", "italian", "rome"),
            List.of("spain", "spanish", "madrid"), List.of("uk", "britain", "british", "london", "england"),
            List.of("india", "indian", "mumbai", "delhi"), List.of("china", "chinese", "beijing"),
            List.of("us", "usa", "america", "american", "washington"), List.of("brazil", "brazilian"),
            List.of("kenya", "kenyan", "nairobi"), List.of("portugal", "portuguese", "lisbon"),
            List.of("norway", "norwegian", "oslo"), List.of("canada", "canadian", "toronto"),
            List.of("australia", "australian", "sydney"), List.of("egypt", "egyptian", "cairo"),
            List.of("ukraine", "ukrainian", "kyiv"), List.of("russia", "russian", "moscow"),
            List.of("greece", "greek", "athens"), List.of("mexico", "mexican"), List.of("ireland", "irish", "dublin"));

    /** The words an item must contain to be relevant; empty when the request names no subject. */
    Set<String> keywords(String request) {
        Set<String> keywords = new LinkedHashSet<>();
        for (String word : words(request)) {
            if (STOP_WORDS.contains(word) || word.length() < 2) {
                continue;
            }
            keywords.add(word);
            for (String topic : TOPIC_ALIASES.getOrDefault(word, List.of(word))) {
                keywords.addAll(TOPICS.getOrDefault(topic, List.of()));
            }
            PLACES.stream().filter(place -> place.contains(word)).forEach(keywords::addAll);
        }
        return keywords;
    }

    List<NewsItem> select(String request, List<NewsItem> items, int max) {
        Set<String> keywords = keywords(request);
        List<Indexed> unique = unique(items);
        Comparator<NewsItem> newestFirst = Comparator.comparing(NewsItem::published,
                Comparator.nullsLast(Comparator.<Instant>reverseOrder()));
        if (keywords.isEmpty()) {
            return unique.stream().map(Indexed::item).sorted(newestFirst).limit(max).toList();
        }
        record Scored(NewsItem item, int score) {
        }
        return unique.stream()
                .map(item -> new Scored(item.item(), item.score(keywords)))
                .filter(scored -> scored.score() > 0)
                .sorted(Comparator.comparingInt(Scored::score).reversed()
                        .thenComparing(Scored::item, newestFirst))
                .limit(max)
                .map(Scored::item)
                .toList();
    }

    List<NewsItem> latest(List<NewsItem> items, int max) {
        return select("", items, max);
    }

    /** {@code items} without duplicates, indexed; the same list as the call before (by its items) is not redone. */
    private List<Indexed> unique(List<NewsItem> items) {
        Unique cached = last;
        if (cached != null && cached.from().equals(items)) {
            return cached.items();
        }
        List<NewsItem> from = List.copyOf(items);
        List<Indexed> unique = dedupeIndexed(from);
        last = new Unique(from, unique);
        return unique;
    }

    static List<NewsItem> dedupe(List<NewsItem> items) {
        return dedupeIndexed(items).stream().map(Indexed::item).toList();
    }

    private static List<Indexed> dedupeIndexed(List<NewsItem> items) {
        List<Indexed> kept = new ArrayList<>();
        Set<String> links = new HashSet<>();
        for (NewsItem item : items) {
            String link = normaliseLink(item.link());
            Indexed indexed = Indexed.of(item);
            boolean seenLink = link != null && !links.add(link);
            boolean seenTitle = kept.stream().anyMatch(other -> similarity(indexed.title(), other.title()) >= 0.8);
            if (!seenLink && !seenTitle) {
                kept.add(indexed);
            }
        }
        return kept;
    }

    private static double similarity(Set<String> a, Set<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return 0;
        }
        Set<String> union = new HashSet<>(a);
        union.addAll(b);
        long common = a.stream().filter(b::contains).count();
        return (double) common / union.size();
    }

    private static String normaliseLink(String link) {
        if (link == null || link.isBlank()) {
            return null;
        }
        String bare = SCHEME_AND_WWW.matcher(link.trim()).replaceFirst("");
        bare = QUERY_OR_FRAGMENT.matcher(bare).replaceAll("");
        return TRAILING_SLASH.matcher(bare).replaceAll("").toLowerCase(Locale.ROOT);
    }

    static List<String> words(String text) {
        if (text == null) {
            return List.of();
        }
        List<String> words = new ArrayList<>();
        for (String word : NOT_A_WORD.split(text.toLowerCase(Locale.ROOT))) {
            String bare = word.indexOf('\'') < 0 ? word
                    : POSSESSIVE.matcher(EDGE_QUOTES.matcher(word).replaceAll("")).replaceAll("");
            if (!bare.isEmpty()) {
                words.add(bare);
            }
        }
        return words;
    }
}
