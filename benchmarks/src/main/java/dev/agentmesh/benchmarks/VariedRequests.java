package dev.agentmesh.benchmarks;

import java.util.List;
import java.util.Locale;

/**
 * Weather-and-news questions that differ from task to task (city, country, phrasing, time of day), so that the
 * manager's planner embeds each one anew instead of finding it in its cache of requests it has seen (it keeps
 * 4,096). The cities are those the offline weather agent has sample data for; each phrasing is of the kind the
 * local planner sends to weather and news in one stage (see the routing set, agent-manager's routing/dev.jsonl).
 * The clauses repeat across requests far more than whole requests do, as users' clauses would.
 */
final class VariedRequests {

    private record Place(String city, String country, String adjective) {
    }

    private static final List<Place> PLACES = List.of(
            new Place("Paris", "France", "French"), new Place("London", "Britain", "British"),
            new Place("Lisbon", "Portugal", "Portuguese"), new Place("New York", "the United States", "American"),
            new Place("Tokyo", "Japan", "Japanese"), new Place("Berlin", "Germany", "German"),
            new Place("Madrid", "Spain", "Spanish"), new Place("Rome", "Italy", "Italian"),
            new Place("Oslo", "Norway", "Norwegian"), new Place("Seattle", "Washington State", "Pacific Northwest"),
            new Place("Denver", "Colorado", "Colorado"), new Place("Phoenix", "Arizona", "Arizona"),
            new Place("Miami", "Florida", "Florida"), new Place("Mumbai", "India", "Indian"),
            new Place("Sydney", "Australia", "Australian"), new Place("Toronto", "Canada", "Canadian"),
            new Place("Cairo", "Egypt", "Egyptian"), new Place("Dublin", "Ireland", "Irish"),
            new Place("Vienna", "Austria", "Austrian"), new Place("Nairobi", "Kenya", "Kenyan"),
            new Place("Chicago", "Illinois", "Chicago"), new Place("Lyon", "France", "French"));

    /** %1$s the city, %2$s the country, %3$s its adjective, %4$s a time of day (with its leading space, or none). */
    private static final List<String> PHRASINGS = List.of(
            "What's the weather in %1$s%4$s and any news about %2$s?",
            "Give me the weather in %1$s%4$s and the latest news from %2$s",
            "Is it raining in %1$s%4$s? And any %3$s news?",
            "Quick briefing: %1$s weather%4$s and %3$s news",
            "Temperature in %1$s%4$s plus the top %3$s headlines",
            "Forecast for %1$s%4$s and what's new in %2$s");

    private static final List<String> TIMES = List.of("", " today", " this afternoon", " right now", " this evening",
            " tonight", " this morning", " at the moment", " later today", " at noon");

    /** How many different requests there are; {@link #get} repeats after that. */
    static int size() {
        return PLACES.size() * PHRASINGS.size() * TIMES.size();
    }

    /** The {@code index}-th request: consecutive indexes differ in city, phrasing and time of day. */
    static String get(int index) {
        int i = Math.floorMod(index, size());
        Place place = PLACES.get(i % PLACES.size());
        String phrasing = PHRASINGS.get((i / PLACES.size()) % PHRASINGS.size());
        String time = TIMES.get(i / (PLACES.size() * PHRASINGS.size()));
        return String.format(Locale.ROOT, phrasing, place.city(), place.country(), place.adjective(), time);
    }

    private VariedRequests() {
    }
}
