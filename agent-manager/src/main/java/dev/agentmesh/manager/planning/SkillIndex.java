package dev.agentmesh.manager.planning;

import dev.agentmesh.events.AgentCard;
import dev.agentmesh.events.AgentSkill;
import dev.agentmesh.manager.registry.LiveAgent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live agents' skills with the {@link Features} of their examples (and descriptions), and the
 * {@link SkillClassifier} trained on them. Features are cached by text and the classifier by the set of cards: a
 * heartbeat that repeats a card costs nothing, a new or changed card is embedded and trained on once.
 */
final class SkillIndex {

    private static final Logger log = LoggerFactory.getLogger(SkillIndex.class);

    /** One skill of one live agent, with the embeddings of what its card says it answers. */
    record IndexedSkill(LiveAgent agent, AgentSkill skill, List<String> texts, List<Features> examples) {

        boolean buildsOnOtherAgents() {
            return skill.buildsOnOtherAgents();
        }
    }

    private final SentenceModel model;
    /** Card texts' features: bounded by what the cards say. */
    private final Map<String, Features> cache = new ConcurrentHashMap<>();
    /**
     * Requests' (and their clauses') features, the most recently used kept: a repeated request costs no embedding,
     * and a long-running manager's memory does not grow with its traffic (a feature is some 2 KB).
     */
    private static final int REQUESTS_KEPT = 4096;
    private final Map<String, Features> requests = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Features> eldest) {
                    return size() > REQUESTS_KEPT;
                }
            });
    /** Card texts' normalised embeddings, as kept in {@link #cardFile} (empty without one). */
    private final Map<String, float[]> cardTexts = new ConcurrentHashMap<>();
    private final CardEmbeddingFile cardFile;

    /** Trained skill models by training key, as kept in {@link #modelFile}, the most recently used last. */
    private final Map<String, List<double[]>> keptModels = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<double[]>> eldest) {
            return size() > CATALOGUES_KEPT;
        }
    };
    private final SkillModelFile modelFile;
    private int trainings;

    SkillIndex(SentenceModel model) {
        this(model, null, null);
    }

    /**
     * @param cardFile where card texts' embeddings are kept between starts; null: nowhere
     * @param modelFile where the skill models trained on sets of cards are kept between starts; null: nowhere
     */
    SkillIndex(SentenceModel model, CardEmbeddingFile cardFile, SkillModelFile modelFile) {
        this.model = model;
        this.cardFile = cardFile;
        this.modelFile = modelFile;
        if (cardFile != null) {
            cardTexts.putAll(cardFile.load());
        }
        if (modelFile != null) {
            keptModels.putAll(modelFile.load());
        }
    }

    /** The live agents' skills and the classifier trained on them; rebuilt only when the cards change. */
    record Catalogue(List<AgentCard> cards, List<IndexedSkill> skills, SkillClassifier classifier) {
    }

    /** The few card sets seen last (agents come and go, and come back); training happens once per set. */
    private static final int CATALOGUES_KEPT = 8;
    private final Map<List<AgentCard>, Catalogue> catalogues = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<AgentCard>, Catalogue> eldest) {
            return size() > CATALOGUES_KEPT;
        }
    };

    /**
     * The catalogue for these agents: one already trained on exactly their cards, or on more cards (an agent
     * dropped out: its skills are left out, the others' models stay valid), or else trained now. One training at a
     * time: concurrent plans for a new card set wait for the same training.
     */
    synchronized Catalogue catalogueOf(List<LiveAgent> agents) {
        List<AgentCard> cards = agents.stream().map(LiveAgent::card).toList();
        Catalogue known = catalogues.get(cards);
        if (known != null) {
            return known;
        }
        List<Catalogue> recentFirst = new ArrayList<>(catalogues.values());
        java.util.Collections.reverse(recentFirst);
        for (Catalogue larger : recentFirst) {
            if (larger.cards().containsAll(cards)) {
                Catalogue subset = new Catalogue(cards, larger.skills().stream()
                        .filter(skill -> cards.contains(skill.agent().card())).toList(), larger.classifier());
                catalogues.put(cards, subset);
                return subset;
            }
        }
        int keptBefore = cardTexts.size();
        List<IndexedSkill> skills = skillsOf(agents);
        if (cardFile != null && cardTexts.size() > keptBefore) {
            cardFile.save(Map.copyOf(cardTexts));
        }
        Catalogue trained = new Catalogue(cards, skills, classifierFor(skills));
        catalogues.put(cards, trained);
        return trained;
    }

    /** The models kept for exactly these skills when there are, else trained now (and kept, with a model file). */
    private SkillClassifier classifierFor(List<IndexedSkill> skills) {
        String key = modelFile == null ? null : SkillClassifier.trainingKey(skills);
        List<double[]> kept = key == null ? null : keptModels.get(key);
        if (kept != null) {
            try {
                SkillClassifier classifier = SkillClassifier.of(skills, kept);
                log.info("Skill models of {} skills taken from the model file (trained before on the same cards)",
                        skills.size());
                return classifier;
            } catch (IllegalArgumentException e) {
                keptModels.remove(key);   // of another shape than its key promised: trained again below
            }
        }
        trainings++;
        long started = System.nanoTime();
        SkillClassifier classifier = SkillClassifier.train(skills, this::embed);
        log.info("Trained the skill models of {} skills in {} ms", skills.size(),
                (System.nanoTime() - started) / 1_000_000);
        if (key != null) {
            keptModels.put(key, classifier.weightsOf(skills));
            modelFile.save(new java.util.LinkedHashMap<>(keptModels));
        }
        return classifier;
    }

    /** How many times skill models were trained, not taken from the model file (for tests). */
    synchronized int trainings() {
        return trainings;
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
                List<Features> examples = new ArrayList<>();
                examples.add(embedCardText(skill.description()));
                texts.forEach(example -> examples.add(embedCardText(example)));
                skills.add(new IndexedSkill(agent, skill, List.copyOf(texts), examples));
            }
        }
        return skills;
    }

    /** A request's or a clause's features (a card text's when the text is one). */
    Features embed(String text) {
        Features card = cache.get(text);
        if (card != null) {
            return card;
        }
        Features known = requests.get(text);
        if (known != null) {
            return known;
        }
        Features features = Features.of(normalised(model.embed(text)), text);
        requests.put(text, features);
        return features;
    }

    /**
     * The request's features and then its clauses', each as {@link #embed} keeps them; those not known yet embedded in
     * one call of the model, which passes them through together (about a third less than a pass each). A text's
     * embedding then depends a little on the texts passed with it: a clause asked before keeps the features it got
     * then, and the request passes with the clauses that are new.
     */
    List<Features> embedWithClauses(String request, List<String> clauses) {
        List<String> texts = new ArrayList<>(clauses.size() + 1);
        texts.add(request);
        texts.addAll(clauses);
        Features[] features = new Features[texts.size()];
        List<Integer> unknown = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            Features known = cache.get(texts.get(i));
            features[i] = known != null ? known : requests.get(texts.get(i));
            if (features[i] == null) {
                unknown.add(i);
            }
        }
        if (unknown.size() == 1) {
            features[unknown.getFirst()] = embed(texts.get(unknown.getFirst()));
        } else if (!unknown.isEmpty()) {
            List<float[]> vectors = model.embedAll(unknown.stream().map(texts::get).toList());
            for (int j = 0; j < unknown.size(); j++) {
                String text = texts.get(unknown.get(j));
                features[unknown.get(j)] = Features.of(normalised(vectors.get(j)), text);
                requests.put(text, features[unknown.get(j)]);
            }
        }
        return List.of(features);
    }

    /** How many requests' features are kept (for the bound's test). */
    int requestsKept() {
        return requests.size();
    }

    private Features embedCardFeatures(String text) {
        return cache.computeIfAbsent(text, key -> {
            Features known = requests.get(key);
            return known != null ? known : Features.of(normalised(model.embed(key)), key);
        });
    }

    /** A card's text: from the card file when it has it, else embedded now and noted for the file. */
    private Features embedCardText(String text) {
        if (cardFile == null) {
            return embedCardFeatures(text);
        }
        // also a text embedded before as a request's, so that every card text reaches the file
        float[] vector = cardTexts.computeIfAbsent(text, unknown -> {
            Features known = cache.containsKey(unknown) ? cache.get(unknown) : requests.get(unknown);
            return known != null ? known.embedding() : normalised(model.embed(unknown));
        });
        return cache.computeIfAbsent(text, key -> Features.of(vector, key));
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
