package dev.agentmesh.manager.planning;

import dev.agentmesh.events.ContextEntry;
import dev.agentmesh.manager.registry.LiveAgent;
import dev.agentmesh.manager.planning.SkillIndex.IndexedSkill;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Plans without any network call, from the live agents' cards alone: the request and each of its clauses are
 * embedded and compared with every skill's examples ({@link SkillIndex}). No agent is known by name here.
 * <ul>
 *   <li>Each clause goes to the skills likely enough for it, and at least as likely as the generalist answering it
 *       alone; several clauses may name several agents ("the forecast for Rome, and the headlines"), which then run
 *       in parallel in stage 1.</li>
 *   <li>A skill that builds on other agents' answers ({@code AgentSkill.buildsOnOtherAgents()}) runs in stage 2 when
 *       it is likely enough for the whole request, after the agents the request also touches; those are asked from
 *       a lower probability then, since such a request names their subjects in passing ("the flooding in the news"),
 *       and without the comparison with the generalist answering alone, judged on the whole request only (its
 *       clauses are often the ask alone).</li>
 *   <li>An agent with such a skill is a generalist: it answers alone when no other agent is wanted, and is never
 *       asked in parallel with the agents whose answers it could build on.</li>
 *   <li>A short follow-up ("and tomorrow?", "what about Berlin?") that is not near-certain about a skill by itself
 *       goes to the agents that answered the previous delegated request, as the task's context tells; one that is
 *       ("and the news there?") goes to the skills it is near-certain about.</li>
 * </ul>
 */
final class LocalPlanner implements Planner {

    static final String NAME = "local";

    private static final Pattern CLAUSE_BREAK = Pattern.compile(
            "[,;:?!.]+\\s*(?:(?:and|also|plus|then)\\s+)*|\\s+(?:and|also|plus|then|&)\\s+", Pattern.CASE_INSENSITIVE);
    private static final Pattern FOLLOW_UP = Pattern.compile(
            "^\\s*(and|also|what about|how about|same for|and what about|what if|und|et|y|e)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final int FOLLOW_UP_MAX_WORDS = 6;
    /** A follow-up that names its own subject ("and the news there?") is near-certain about that skill. */
    private static final double NAMES_ITS_SUBJECT = 0.9;

    private final SkillIndex index;
    private final Thresholds thresholds;

    /**
     * @param skill an agent is asked from this probability on, for the whole request or any of its clauses
     * @param buildOn an agent that builds on other agents' answers runs in stage 2 from this probability on
     * @param mention when it does, an agent whose answer it builds on is asked from this probability on
     */
    record Thresholds(double skill, double buildOn, double mention) {
    }

    LocalPlanner(SentenceModel embeddings, Thresholds thresholds) {
        this(new SkillIndex(embeddings), thresholds);
    }

    LocalPlanner(SkillIndex index, Thresholds thresholds) {
        this.index = index;
        this.thresholds = thresholds;
    }

    @Override
    public Plan plan(String request, List<ContextEntry> context, List<LiveAgent> agents) {
        if (agents.isEmpty()) {
            return new Plan(List.of(), NAME, "no agent is live");
        }
        SkillIndex.Catalogue catalogue = index.catalogueOf(agents);
        // the whole request and its clauses in one pass of the model, although a request that builds on answers
        // judges its specialists on the whole alone: embedding its clauses then as well costs less than a second pass
        List<Features> withClauses = index.embedWithClauses(request, clauses(request));
        Features whole = withClauses.getFirst();
        Set<String> generalists = generalists(agents);

        Map<String, Double> specialists = new LinkedHashMap<>();
        Map<String, String> reasons = new LinkedHashMap<>();
        Likelihood builder = null;
        Likelihood nearest = null;
        for (IndexedSkill skill : catalogue.skills()) {
            double onWhole = catalogue.classifier().probability(skill, whole);
            if (nearest == null || onWhole > nearest.probability()) {
                nearest = new Likelihood(skill, onWhole);
            }
            if (skill.buildsOnOtherAgents() && (builder == null || onWhole > builder.probability())) {
                builder = new Likelihood(skill, onWhole);
            }
        }
        boolean buildsOn = builder != null && builder.probability() >= thresholds.buildOn();
        // a request to build on answers names its subjects in the whole sentence; a clause of it is often the ask
        // alone ("what should we do with the kids"), which, without the comparison with the generalist, would look
        // like a specialist's subject
        List<Features> segments = buildsOn ? List.of(whole) : withClauses;
        // a request to build on answers needs its specialists whatever the generalist would say alone
        double[] generalistAnswers = buildsOn ? new double[segments.size()]
                : generalistAnswers(catalogue, generalists, segments);
        for (IndexedSkill skill : catalogue.skills()) {
            if (skill.buildsOnOtherAgents()) {
                continue;
            }
            if (generalists.contains(skill.agent().name())) {
                continue;
            }
            // a specialist counts on a segment only where it is at least as likely as the generalist answering
            // alone: "What is the capital of Australia?" is general knowledge, even if it sounds a bit like news
            double best = 0;
            for (int i = 0; i < segments.size(); i++) {
                double p = catalogue.classifier().probability(skill, segments.get(i));
                if (p >= generalistAnswers[i]) {
                    best = Math.max(best, p);
                }
            }
            if (best >= (buildsOn ? thresholds.mention() : thresholds.skill()) && best > specialists.getOrDefault(skill.agent().name(), 0.0)) {
                specialists.put(skill.agent().name(), best);
                reasons.put(skill.agent().name(), reason(skill, best));
            }
        }
        Optional<Plan> followUp = followUp(request, context, agents, specialists);
        if (followUp.isPresent()) {
            return followUp.get();
        }
        if (specialists.isEmpty()) {
            return new Plan(List.of(List.of(nearest.skill().agent().name())), NAME,
                    reason(nearest.skill(), nearest.probability()) + ", alone");
        }
        List<String> first = List.copyOf(specialists.keySet());
        String why = String.join(", ", reasons.values());
        if (buildsOn) {
            return new Plan(List.of(first, List.of(builder.skill().agent().name())), NAME,
                    why + "; then " + reason(builder.skill(), builder.probability()) + " on their answers");
        }
        return new Plan(List.of(first), NAME, why);
    }

    private record Likelihood(IndexedSkill skill, double probability) {
    }

    /** Per segment, how likely a generalist's own skill (one that answers alone) is; 0 without a generalist. */
    private static double[] generalistAnswers(SkillIndex.Catalogue catalogue, Set<String> generalists,
                                              List<Features> segments) {
        double[] likelihood = new double[segments.size()];
        for (IndexedSkill skill : catalogue.skills()) {
            if (skill.buildsOnOtherAgents() || !generalists.contains(skill.agent().name())) {
                continue;
            }
            for (int i = 0; i < segments.size(); i++) {
                likelihood[i] = Math.max(likelihood[i], catalogue.classifier().probability(skill, segments.get(i)));
            }
        }
        return likelihood;
    }

    /**
     * A short continuation takes the agents of the previous delegated request, named in the latest agent result of
     * the context ({@code "<agent>: <answer>"} lines), unless it names its own subject: then the specialists that
     * are near-certain about it ("and the news there?" is news, whatever "there" sounds like).
     */
    private Optional<Plan> followUp(String request, List<ContextEntry> context, List<LiveAgent> agents,
                                    Map<String, Double> matched) {
        if (!FOLLOW_UP.matcher(request).find() || request.strip().split("\\s+").length > FOLLOW_UP_MAX_WORDS) {
            return Optional.empty();
        }
        List<String> previous = previousAgents(context, agents);
        if (previous.isEmpty()) {
            return Optional.empty();
        }
        List<String> named = matched.entrySet().stream().filter(entry -> entry.getValue() >= NAMES_ITS_SUBJECT)
                .map(Map.Entry::getKey).toList();
        if (!named.isEmpty()) {
            return Optional.of(new Plan(List.of(named), NAME, "a follow-up that names its subject: " + named));
        }
        Set<String> generalists = generalists(agents);
        List<String> specialists = previous.stream().filter(agent -> !generalists.contains(agent)).toList();
        List<List<String>> stages = specialists.isEmpty() ? List.of(previous) : List.of(specialists);
        return Optional.of(new Plan(stages, NAME, "a follow-up of the previous request, which " + previous
                + " answered"));
    }

    private static List<String> previousAgents(List<ContextEntry> context, List<LiveAgent> agents) {
        for (int i = context.size() - 1; i >= 0; i--) {
            ContextEntry entry = context.get(i);
            if (!entry.role().equals("agent")) {
                continue;
            }
            Set<String> named = new LinkedHashSet<>();
            for (String line : entry.text().split("\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    String agent = line.substring(0, colon).strip();
                    if (agents.stream().anyMatch(live -> live.name().equals(agent))) {
                        named.add(agent);
                    }
                }
            }
            if (!named.isEmpty()) {
                return List.copyOf(named);
            }
        }
        return List.of();
    }

    /** Agents whose card says they build on other agents' answers. */
    private static Set<String> generalists(List<LiveAgent> agents) {
        Set<String> names = new LinkedHashSet<>();
        agents.stream().filter(agent -> agent.card().buildsOnOtherAgents()).forEach(agent -> names.add(agent.name()));
        return names;
    }

    /** Each clause of the request, when it has more than one: "X, and Y?" asks for X and for Y. */
    static List<String> clauses(String request) {
        List<String> clauses = new ArrayList<>();
        for (String clause : CLAUSE_BREAK.split(request)) {
            if (clause.strip().split("\\s+").length >= 2) {
                clauses.add(clause.strip());
            }
        }
        return clauses.size() > 1 ? clauses : List.of();
    }

    /** Loads the model's weights now instead of on the first request. */
    void warmUp() {
        index.embed("warm up");
    }

    /** Trains on these agents' cards now, so the first request after an agent joins does not wait for it. */
    void prepare(List<LiveAgent> agents) {
        if (!agents.isEmpty()) {
            index.catalogueOf(agents);
        }
    }

    private static String reason(IndexedSkill skill, double probability) {
        return String.format(Locale.ROOT, "%s/%s %.2f", skill.agent().name(), skill.skill().id(), probability);
    }
}
