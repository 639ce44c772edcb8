package dev.agentmesh.news;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Picks the items relevant to a request. The request's words, minus stop words and words that only say "news",
 * are expanded with topic vocabularies (technology, sports, business…) and place names with their adjectives
 * (France, French); items score by matches in the title (double) and summary. A request with no such words gets
 * the latest items. Duplicates across feeds (same link, or nearly the same title) are removed.
 */
final class NewsSelector {

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
        List<NewsItem> unique = dedupe(items);
        Comparator<NewsItem> newestFirst = Comparator.comparing(NewsItem::published,
                Comparator.nullsLast(Comparator.<Instant>reverseOrder()));
        if (keywords.isEmpty()) {
            return unique.stream().sorted(newestFirst).limit(max).toList();
        }
        return unique.stream()
                .filter(item -> score(item, keywords) > 0)
                .sorted(Comparator.comparingInt((NewsItem item) -> score(item, keywords)).reversed()
                        .thenComparing(newestFirst))
                .limit(max)
                .toList();
    }

    List<NewsItem> latest(List<NewsItem> items, int max) {
        return select("", items, max);
    }

    static int score(NewsItem item, Set<String> keywords) {
        Set<String> title = new HashSet<>(words(item.title()));
        Set<String> summary = new HashSet<>(words(item.summary()));
        int score = 0;
        for (String keyword : keywords) {
            score += (title.contains(keyword) ? 2 : 0) + (summary.contains(keyword) ? 1 : 0);
        }
        return score;
    }

    static List<NewsItem> dedupe(List<NewsItem> items) {
        List<NewsItem> kept = new ArrayList<>();
        Set<String> links = new HashSet<>();
        List<Set<String>> titles = new ArrayList<>();
        for (NewsItem item : items) {
            String link = normaliseLink(item.link());
            Set<String> title = new HashSet<>(words(item.title()));
            boolean seenLink = link != null && !links.add(link);
            boolean seenTitle = titles.stream().anyMatch(other -> similarity(title, other) >= 0.8);
            if (!seenLink && !seenTitle) {
                kept.add(item);
                titles.add(title);
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
        return link.trim().replaceFirst("^https?://(www\\.)?", "").replaceAll("[?#].*$", "").replaceAll("/$", "")
                .toLowerCase(Locale.ROOT);
    }

    static List<String> words(String text) {
        if (text == null) {
            return List.of();
        }
        return Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+"))
                .map(word -> word.replaceAll("^'+|'+$", "").replaceAll("'s$", ""))
                .filter(word -> !word.isEmpty())
                .collect(Collectors.toList());
    }
}
