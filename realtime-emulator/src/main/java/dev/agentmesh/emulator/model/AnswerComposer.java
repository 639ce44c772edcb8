package dev.agentmesh.emulator.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Turns a function call's output into what the assistant says next. */
final class AnswerComposer {

    static final int MAX_SPOKEN_CHARS = 600;
    private static final Set<String> ANSWER_FIELDS = Set.of("answer", "text", "result", "summary");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private AnswerComposer() {
    }

    static String compose(String output) {
        String trimmed = output == null ? "" : output.strip();
        if (trimmed.isEmpty()) {
            return "The tool returned nothing I can tell you about.";
        }
        JsonNode json = parse(trimmed);
        if (json == null) {
            return shorten(trimmed);
        }
        if (json.path("agents").isArray()) {
            String fromAgents = fromAgents(json.get("agents"));
            String error = json.path("error").isString() ? endSentence(json.get("error").stringValue().strip()) : "";
            String spoken = (fromAgents + " " + error).strip();
            if (!spoken.isEmpty()) {
                return spoken;
            }
        }
        List<String> answers = new ArrayList<>();
        collectAnswers(json, answers);
        if (!answers.isEmpty()) {
            return shorten(String.join(" ", answers));
        }
        return json.isString() ? shorten(json.stringValue()) : shorten(trimmed);
    }

    /** Answered agents are quoted verbatim (they carry the facts); the others are named. */
    private static String fromAgents(JsonNode agents) {
        List<String> sentences = new ArrayList<>();
        for (JsonNode agent : agents) {
            if (!agent.isObject()) {
                continue;
            }
            String status = agent.path("status").asString("answered").toLowerCase(Locale.ROOT);
            String answer = agent.path("answer").isString() ? agent.get("answer").stringValue().strip() : "";
            if (status.equals("answered") && !answer.isEmpty()) {
                sentences.add(endSentence(answer));
            } else if (!status.equals("answered")) {
                sentences.add("The " + agentName(agent.path("name").asString("")) + " agent " + describe(status) + ".");
            }
        }
        return String.join(" ", sentences);
    }

    private static String agentName(String name) {
        String readable = name.strip().replaceAll("(?i)[-_ ]?agent$", "").replace('-', ' ').replace('_', ' ').strip();
        return readable.isEmpty() ? "unnamed" : readable;
    }

    private static String describe(String status) {
        return Map.of("timed_out", "timed out", "timeout", "timed out", "timed out", "timed out",
                "failed", "failed", "error", "failed", "unavailable", "is unavailable",
                "cancelled", "was cancelled").getOrDefault(status, "did not answer");
    }

    private static void collectAnswers(JsonNode node, List<String> answers) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                JsonNode value = field.getValue();
                if (ANSWER_FIELDS.contains(field.getKey()) && value.isString() && !value.stringValue().isBlank()) {
                    answers.add(endSentence(value.stringValue().strip()));
                } else {
                    collectAnswers(value, answers);
                }
            }
        } else if (node.isArray()) {
            node.forEach(element -> collectAnswers(element, answers));
        }
    }

    private static JsonNode parse(String text) {
        if (!text.startsWith("{") && !text.startsWith("[") && !text.startsWith("\"")) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JacksonException notJson) {
            return null;
        }
    }

    private static String endSentence(String text) {
        return text.matches(".*[.!?…]$") ? text : text + ".";
    }

    static String shorten(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        if (flat.length() <= MAX_SPOKEN_CHARS) {
            return flat;
        }
        int cut = flat.lastIndexOf(' ', MAX_SPOKEN_CHARS);
        return flat.substring(0, cut > MAX_SPOKEN_CHARS / 2 ? cut : MAX_SPOKEN_CHARS) + "…";
    }
}
