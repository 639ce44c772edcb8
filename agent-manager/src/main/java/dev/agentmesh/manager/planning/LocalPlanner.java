package dev.agentmesh.manager.planning;

import dev.agentmesh.events.ContextEntry;
import dev.agentmesh.manager.registry.LiveAgent;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.CosineSimilarity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Plans without any network call. Each live agent is matched in one of two ways: agents whose description names
 * a capability this planner has a vocabulary for (weather, news) are matched on that vocabulary; any other agent
 * is matched by the sentence-embedding similarity between the request and its description, so an agent deployed
 * later is planned from its registry description alone. The synthesising agent (its description says it
 * relates or explains other agents' answers) runs in stage 2 when the request asks to relate, explain or advise
 * on what the other agents find, and alone when no other agent matches.
 */
final class LocalPlanner implements Planner {

    static final String NAME = "local";

    /** Capability vocabularies, keyed by a word that an agent's description must contain to use them. */
    private static final Map<String, Pattern> VOCABULARIES = Map.of(
            "weather", words("weather", "forecasts?", "rain(s|y|ing)?", "umbrella", "snow(s|y|ing)?", "hot",
                    "cold", "warm", "temperatures?", "wind(y)?", "sunny", "sunshine", "humid(ity)?", "degrees",
                    "storms?", "thunder(storms?)?", "fog(gy)?", "freezing", "heat(wave)?", "chilly"),
            "news", words("news", "headlines?", "happening", "stor(y|ies)", "breaking", "elections?",
                    "reports?", "press", "briefing"));

    /** Asking to relate, explain, advise on or interpret what the data agents find. */
    private static final Pattern SYNTHESIS = Pattern.compile(String.join("|",
            "\\brelat(ed|e|ion|ionship)\\b", "\\bconnect(ed|ion)?\\b", "\\bexplain\\b", "\\bwhy\\b",
            "\\b(change|affect|impact|influence|cause)s?\\b", "\\bbecause\\b",
            "\\bshould i\\b", "\\bwhat (should|can|could) (i|we)\\b", "\\bwear\\b", "\\bpack\\b",
            "\\bplan (a|an|my|our|the)\\b", "\\bsuits?\\b", "\\badvi[cs]e\\b", "\\brecommend",
            "\\bwhat (it|this|that|they) means?\\b", "\\bmeans? for\\b", "\\blike i'?m\\b",
            "\\bsummari[sz]e\\b.*\\b(and|then)\\b", "\\bcompare\\b"), Pattern.CASE_INSENSITIVE);

    private static final Pattern CLAUSE_BREAK = Pattern.compile("[,;:?!.]+\\s*(?:and\\s+)?|\\s+and\\s+",
            Pattern.CASE_INSENSITIVE);

    private static final Pattern SYNTHESISER = Pattern.compile(
            "\\b(synthes|relat|explain|conversation)", Pattern.CASE_INSENSITIVE);

    private final EmbeddingModel embeddings;
    private final double similarityThreshold;
    private final Map<String, Embedding> descriptionEmbeddings = new ConcurrentHashMap<>();

    LocalPlanner(EmbeddingModel embeddings, double similarityThreshold) {
        this.embeddings = embeddings;
        this.similarityThreshold = similarityThreshold;
    }

    @Override
    public Plan plan(String request, List<ContextEntry> context, List<LiveAgent> agents) {
        if (agents.isEmpty()) {
            return new Plan(List.of(), NAME, "no agent is live");
        }
        Optional<LiveAgent> synthesiser = synthesiser(agents);
        List<String> data = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        List<Embedding> requestEmbeddings = null;
        for (LiveAgent agent : agents) {
            if (synthesiser.filter(agent::equals).isPresent()) {
                continue;
            }
            Optional<Pattern> vocabulary = vocabularyOf(agent);
            if (vocabulary.isPresent()) {
                if (vocabulary.get().matcher(request).find()) {
                    data.add(agent.name());
                    reasons.add(agent.name() + " by vocabulary");
                }
                continue;
            }
            if (requestEmbeddings == null) {
                requestEmbeddings = clauses(request).stream().map(clause -> embeddings.embed(clause).content())
                        .toList();
            }
            Embedding description = descriptionEmbedding(agent);
            double similarity = requestEmbeddings.stream()
                    .mapToDouble(clause -> CosineSimilarity.between(clause, description)).max().orElse(0);
            if (similarity >= similarityThreshold) {
                data.add(agent.name());
                reasons.add(String.format(Locale.ROOT, "%s by similarity %.2f", agent.name(), similarity));
            }
        }
        if (data.isEmpty()) {
            String fallback = synthesiser.map(LiveAgent::name).orElseGet(() -> mostSimilar(request, agents));
            return new Plan(List.of(List.of(fallback)), NAME, "no data agent matched; " + fallback + " answers");
        }
        if (synthesiser.isPresent() && SYNTHESIS.matcher(request).find()) {
            return new Plan(List.of(data, List.of(synthesiser.get().name())), NAME,
                    String.join(", ", reasons) + "; " + synthesiser.get().name() + " relates their answers");
        }
        return new Plan(List.of(data), NAME, String.join(", ", reasons));
    }

    /** The whole request and each of its clauses: "X, and Y?" asks for X and for Y. */
    static List<String> clauses(String request) {
        List<String> clauses = new ArrayList<>();
        clauses.add(request);
        for (String clause : CLAUSE_BREAK.split(request)) {
            if (!clause.isBlank() && !clause.strip().equals(request.strip())) {
                clauses.add(clause.strip());
            }
        }
        return clauses;
    }

    /** Loads the model's weights now instead of on the first request. */
    void warmUp() {
        embeddings.embed("warm up");
    }

    private static Optional<LiveAgent> synthesiser(List<LiveAgent> agents) {
        return agents.stream().filter(agent -> SYNTHESISER.matcher(agent.description()).find()).findFirst();
    }

    private static Optional<Pattern> vocabularyOf(LiveAgent agent) {
        String text = (agent.name() + " " + agent.description()).toLowerCase(Locale.ROOT);
        return VOCABULARIES.entrySet().stream()
                .filter(entry -> Pattern.compile("\\b" + entry.getKey() + "\\b").matcher(text).find())
                .sorted(Map.Entry.comparingByKey())
                .map(Map.Entry::getValue)
                .findFirst();
    }

    private String mostSimilar(String request, List<LiveAgent> agents) {
        Embedding requestEmbedding = embeddings.embed(request).content();
        return agents.stream()
                .max(Comparator.comparingDouble(agent ->
                        CosineSimilarity.between(requestEmbedding, descriptionEmbedding(agent))))
                .orElseThrow().name();
    }

    private Embedding descriptionEmbedding(LiveAgent agent) {
        return descriptionEmbeddings.computeIfAbsent(agent.name() + "\u0000" + agent.description(),
                key -> embeddings.embed(agent.name() + ": " + agent.description()).content());
    }

    private static Pattern words(String... words) {
        return Pattern.compile(Set.of(words).stream().sorted().collect(Collectors.joining("|", "\\b(", ")\\b")),
                Pattern.CASE_INSENSITIVE);
    }
}
