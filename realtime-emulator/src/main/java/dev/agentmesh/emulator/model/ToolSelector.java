package dev.agentmesh.emulator.model;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/** Picks the function tool whose name and description best match what the user asked. */
final class ToolSelector {

    /** Topic vocabularies: a question and a tool sharing a topic is a much stronger signal than one shared word. */
    static final Map<String, Set<String>> TOPICS = Map.of(
            "weather", Set.of("weather", "forecast", "temperature", "rain", "raining", "snow", "wind", "windy",
                    "sunny", "sun", "umbrella", "cold", "hot", "warm", "humid", "humidity", "storm", "degrees",
                    "celsius", "fahrenheit", "climate", "cloudy"),
            "news", Set.of("news", "headline", "headlines", "latest", "happening", "article", "articles",
                    "report", "reports", "related", "events", "stories", "story", "press"));

    private ToolSelector() {
    }

    static JsonNode select(List<JsonNode> tools, String text) {
        if (tools.size() == 1) {
            return tools.getFirst();
        }
        Set<String> asked = new HashSet<>(Words.meaningful(text));
        JsonNode best = tools.getFirst();
        int bestScore = -1;
        for (JsonNode tool : tools) {
            String description = tool.path("name").asString("") + " " + tool.path("description").asString("");
            Set<String> offered = new HashSet<>(Words.meaningful(description));
            int score = 0;
            for (String word : asked) {
                if (offered.contains(word)) {
                    score++;
                }
            }
            for (Set<String> topic : TOPICS.values()) {
                if (asked.stream().anyMatch(topic::contains) && offered.stream().anyMatch(topic::contains)) {
                    score += 3;
                }
            }
            if (score > bestScore) {
                best = tool;
                bestScore = score;
            }
        }
        return best;
    }
}
