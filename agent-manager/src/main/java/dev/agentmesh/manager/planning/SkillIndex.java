package dev.agentmesh.manager.planning;

import dev.agentmesh.events.AgentCard;
import dev.agentmesh.events.AgentSkill;
import dev.agentmesh.manager.registry.LiveAgent;
import dev.langchain4j.model.embedding.EmbeddingModel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live agents' skills as sentence embeddings of their examples (and their descriptions), so a request can be
 * scored against each skill by its nearest examples. Embeddings are cached by text: a heartbeat that repeats a
 * card costs nothing, a new or changed card is embedded once.
 */
final class SkillIndex {

    /** How many of a skill's nearest examples make its score: robust to one odd example, sharp enough for few. */
    private static final int NEAREST = 3;

    /** One skill of one live agent, with the embeddings of what its card says it answers. */
    record IndexedSkill(LiveAgent agent, AgentSkill skill, List<String> texts, List<float[]> examples) {

        boolean buildsOnOtherAgents() {
            return skill.buildsOnOtherAgents();
        }
    }

    /** How close a text is to one skill. */
    record Score(IndexedSkill skill, double similarity) {

        String agent() {
            return skill.agent().name();
        }
    }

    private final EmbeddingModel model;
    private final Map<String, float[]> cache = new ConcurrentHashMap<>();

    SkillIndex(EmbeddingModel model) {
        this.model = model;
    }

    /** The live agents' skills and the classifier trained on them; rebuilt only when the cards change. */
    record Catalogue(List<AgentCard> cards, List<IndexedSkill> skills, SkillClassifier classifier) {
    }

    private volatile Catalogue latest;

    Catalogue catalogueOf(List<LiveAgent> agents) {
        List<AgentCard> cards = agents.stream().map(LiveAgent::card).toList();
        Catalogue current = latest;
        if (current != null && current.cards().equals(cards)) {
            return current;
        }
        List<IndexedSkill> skills = skillsOf(agents);
        Catalogue trained = new Catalogue(cards, skills, SkillClassifier.train(skills, this::embed));
        latest = trained;
        return trained;
    }

    private List<IndexedSkill> skillsOf(List<LiveAgent> agents) {
        List<IndexedSkill> skills = new ArrayList<>();
        for (LiveAgent agent : agents) {
            List<AgentSkill> declared = agent.card().skills();
            if (declared.isEmpty()) {
                // An agent from before cards: its description is all there is to learn from.
                declared = List.of(new AgentSkill(agent.name(), agent.name(), agent.description(), null, null, null,
                        null));
            }
            for (AgentSkill skill : declared) {
                List<String> texts = new ArrayList<>(skill.examples());
                List<float[]> examples = new ArrayList<>();
                examples.add(embed(skill.description()));
                texts.forEach(example -> examples.add(embed(example)));
                skills.add(new IndexedSkill(agent, skill, List.copyOf(texts), examples));
            }
        }
        return skills;
    }

    /** Every skill scored against the text, best first. */
    List<Score> rank(float[] text, List<IndexedSkill> skills) {
        return skills.stream().map(skill -> new Score(skill, similarity(text, skill.examples())))
                .sorted(Comparator.comparingDouble(Score::similarity).reversed()).toList();
    }

    float[] embed(String text) {
        return cache.computeIfAbsent(text, key -> normalised(model.embed(key).content().vector()));
    }

    private static double similarity(float[] text, List<float[]> examples) {
        double[] nearest = new double[Math.min(NEAREST, examples.size())];
        java.util.Arrays.fill(nearest, -1);
        for (float[] example : examples) {
            double similarity = dot(text, example);
            int lowest = 0;
            for (int i = 1; i < nearest.length; i++) {
                if (nearest[i] < nearest[lowest]) {
                    lowest = i;
                }
            }
            if (similarity > nearest[lowest]) {
                nearest[lowest] = similarity;
            }
        }
        double sum = 0;
        for (double value : nearest) {
            sum += value;
        }
        return nearest.length == 0 ? 0 : sum / nearest.length;
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static float[] normalised(float[] vector) {
        double norm = 0;
        for (float value : vector) {
            norm += value * value;
        }
        float[] unit = new float[vector.length];
        double length = Math.sqrt(norm);
        for (int i = 0; i < vector.length; i++) {
            unit[i] = (float) (vector[i] / (length == 0 ? 1 : length));
        }
        return unit;
    }
}
