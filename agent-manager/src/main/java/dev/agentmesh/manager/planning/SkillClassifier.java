package dev.agentmesh.manager.planning;

import dev.agentmesh.manager.planning.SkillIndex.IndexedSkill;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One small logistic-regression model per skill, trained on the live cards' examples alone (one versus the rest),
 * over sentence embeddings: the probability that a request wants that skill. Trained when the set of cards
 * changes, in about a second on two busy cores.
 * <ul>
 *   <li>A skill's examples are its positives; every other skill's examples are its negatives, except that the
 *       examples of skills that build on other agents' answers are neither for the others (they mention the other
 *       agents' subjects on purpose).</li>
 *   <li>Requests for two things at once are made up from the cards: an example of one agent joined to an example
 *       of another ("X, and Y"), positive for both skills and negative for the skills that build on other agents'
 *       answers, which learn that asking two things is not asking to relate them; an example joined to small talk,
 *       positive for its skill only, so the joining words are no sign of any agent; and an example joined to one of
 *       a skill that builds on it, positive for the example's skill (the skill that builds learns from its own
 *       examples only, not from one agent's plain subject).</li>
 * </ul>
 */
final class SkillClassifier {

    private static final int EPOCHS = 1000;
    private static final double LEARNING_RATE = 2.0;
    private static final double L2 = 1e-4;
    private static final int PAIRS_PER_AGENT_PAIR = 120;
    /**
     * Part of {@link #trainingKey}: raise it with any change to how {@link #train} turns its inputs into weights
     * (the constants above are in the key already), so that models kept in a {@link SkillModelFile} from before
     * are trained again.
     */
    private static final int TRAINING_VERSION = 1;

    private record Sample(Features features, IndexedSkill from, List<IndexedSkill> alsoFrom) {
    }

    private final Map<IndexedSkill, double[]> weights = new IdentityHashMap<>();

    private SkillClassifier() {
    }

    static SkillClassifier train(List<IndexedSkill> skills, Function<String, Features> embed) {
        List<Sample> samples = new ArrayList<>();
        for (IndexedSkill skill : skills) {
            for (Features example : skill.examples()) {
                samples.add(new Sample(example, skill, List.of()));
            }
        }
        samples.addAll(joinedRequests(skills, embed));
        SkillClassifier classifier = new SkillClassifier();
        for (IndexedSkill skill : skills) {
            classifier.weights.put(skill, fit(skill, samples));
        }
        return classifier;
    }

    /**
     * A classifier with weights trained before on these same skills (the same {@link #trainingKey}), in their
     * order, as {@link #weightsOf} gave them.
     *
     * @throws IllegalArgumentException when there is not one weight vector of the right length per skill
     */
    static SkillClassifier of(List<IndexedSkill> skills, List<double[]> weights) {
        if (weights.size() != skills.size()) {
            throw new IllegalArgumentException(weights.size() + " weight vectors for " + skills.size() + " skills");
        }
        SkillClassifier classifier = new SkillClassifier();
        for (int i = 0; i < skills.size(); i++) {
            double[] w = weights.get(i);
            int dense = skills.get(i).examples().getFirst().embedding().length;
            if (w.length != dense + Features.GRAM_SPACE + 1) {
                throw new IllegalArgumentException("weights of length " + w.length + " for skill "
                        + skills.get(i).skill().id() + ", expected " + (dense + Features.GRAM_SPACE + 1));
            }
            classifier.weights.put(skills.get(i), w);
        }
        return classifier;
    }

    /** The weights of these skills' models, in the skills' order (for {@link #of}). */
    List<double[]> weightsOf(List<IndexedSkill> skills) {
        return skills.stream().map(skill -> {
            double[] w = weights.get(skill);
            if (w == null) {
                throw new IllegalArgumentException("not trained for skill " + skill.skill().id());
            }
            return w;
        }).toList();
    }

    /**
     * A digest of everything {@link #train} reads for these skills, in their order: the training's constants and
     * version, each skill's agent, id and whether it or its agent builds on other agents' answers, its texts, and
     * the features of its examples (so another sentence model or another way of hashing words gives another key).
     * Training is deterministic, so models trained for the same key have the same weights.
     */
    static String trainingKey(List<IndexedSkill> skills) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
        ByteBuffer buffer = ByteBuffer.allocate(8);
        Consumer<String> text = value -> {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            digest.update(buffer.clear().putInt(bytes.length).flip());
            digest.update(bytes);
        };
        text.accept("version=" + TRAINING_VERSION + " epochs=" + EPOCHS + " rate=" + LEARNING_RATE + " l2=" + L2
                + " pairs=" + PAIRS_PER_AGENT_PAIR + " grams=" + Features.GRAM_SPACE + " skills=" + skills.size());
        for (IndexedSkill skill : skills) {
            text.accept(skill.agent().name());
            text.accept(skill.skill().id());
            text.accept(skill.buildsOnOtherAgents() + "/" + skill.agent().card().buildsOnOtherAgents());
            text.accept(String.valueOf(skill.texts().size()));
            skill.texts().forEach(text);
            text.accept(String.valueOf(skill.examples().size()));
            for (Features example : skill.examples()) {
                digest.update(buffer.clear().putInt(example.embedding().length).flip());
                for (float value : example.embedding()) {
                    digest.update(buffer.clear().putFloat(value).flip());
                }
                digest.update(buffer.clear().putInt(example.grams().length).flip());
                for (int gram : example.grams()) {
                    digest.update(buffer.clear().putInt(gram).flip());
                }
                digest.update(buffer.clear().putFloat(example.gramWeight()).flip());
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The probability that a request with these features wants this skill. */
    double probability(IndexedSkill skill, Features features) {
        double[] w = weights.get(skill);
        if (w == null) {
            throw new IllegalArgumentException("not trained for skill " + skill.skill().id());
        }
        return sigmoid(logit(w, features));
    }

    /** "X, and Y" for examples of two different agents' skills that answer on their own. */
    private static List<Sample> joinedRequests(List<IndexedSkill> skills, Function<String, Features> embed) {
        List<IndexedSkill> alone = skills.stream().filter(skill -> !skill.buildsOnOtherAgents()
                && !skill.agent().card().buildsOnOtherAgents()).toList();
        Random random = new Random(42);
        List<Sample> joined = new ArrayList<>();
        for (int i = 0; i < alone.size(); i++) {
            for (int j = i + 1; j < alone.size(); j++) {
                IndexedSkill a = alone.get(i);
                IndexedSkill b = alone.get(j);
                if (a.agent().name().equals(b.agent().name()) || a.texts().isEmpty() || b.texts().isEmpty()) {
                    continue;
                }
                for (int n = 0; n < PAIRS_PER_AGENT_PAIR; n++) {
                    String first = a.texts().get(random.nextInt(a.texts().size()));
                    String second = b.texts().get(random.nextInt(b.texts().size()));
                    String text = random.nextBoolean() ? join(first, second) : join(second, first);
                    joined.add(new Sample(joined(embed, first, second, text), a, List.of(b)));
                }
            }
        }
        // "X, and <small talk>": X's agent is wanted and no other specialist, whatever the joining words.
        List<IndexedSkill> talk = skills.stream().filter(skill -> !skill.buildsOnOtherAgents()
                && skill.agent().card().buildsOnOtherAgents()).toList();
        for (IndexedSkill chat : talk) {
            for (IndexedSkill data : alone) {
                if (chat.texts().isEmpty() || data.texts().isEmpty()) {
                    continue;
                }
                for (int n = 0; n < PAIRS_PER_AGENT_PAIR / 2; n++) {
                    String first = data.texts().get(random.nextInt(data.texts().size()));
                    String second = chat.texts().get(random.nextInt(chat.texts().size()));
                    String text = random.nextBoolean() ? join(first, second) : join(second, first);
                    joined.add(new Sample(joined(embed, first, second, text), data, List.of(chat)));
                }
            }
        }
        // "X, and <something that builds on it>": both skills are wanted, the builder in a later stage.
        List<IndexedSkill> builders = skills.stream().filter(IndexedSkill::buildsOnOtherAgents).toList();
        for (IndexedSkill builder : builders) {
            for (IndexedSkill data : alone) {
                if (builder.texts().isEmpty() || data.texts().isEmpty()) {
                    continue;
                }
                for (int n = 0; n < PAIRS_PER_AGENT_PAIR / 2; n++) {
                    String first = data.texts().get(random.nextInt(data.texts().size()));
                    String second = builder.texts().get(random.nextInt(builder.texts().size()));
                    joined.add(new Sample(joined(embed, first, second, join(first, second)), builder,
                            List.of(data)));
                }
            }
        }
        return joined;
    }

    /**
     * A made-up request's features without running the model again: the mean of its parts' embeddings (the model
     * mean-pools over words, so this is close to embedding the joined text) and the joined text's wording.
     */
    private static Features joined(Function<String, Features> embed, String first, String second, String text) {
        float[] a = embed.apply(first).embedding();
        float[] b = embed.apply(second).embedding();
        float[] mean = new float[a.length];
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            mean[i] = a[i] + b[i];
            norm += mean[i] * mean[i];
        }
        double length = Math.sqrt(norm) == 0 ? 1 : Math.sqrt(norm);
        for (int i = 0; i < mean.length; i++) {
            mean[i] = (float) (mean[i] / length);
        }
        return Features.of(mean, text);
    }

    private static String join(String first, String second) {
        String head = first.replaceAll("[?.!]+$", "");
        String tail = second.isEmpty() ? second : Character.toLowerCase(second.charAt(0)) + second.substring(1);
        return head + ", and " + tail;
    }

    private static double[] fit(IndexedSkill skill, List<Sample> samples) {
        List<Features> features = new ArrayList<>();
        List<Boolean> labels = new ArrayList<>();
        for (Sample sample : samples) {
            boolean positive = sample.from() == skill || sample.alsoFrom().contains(skill);
            boolean fromBuilder = sample.from().buildsOnOtherAgents();
            if (!positive && fromBuilder && !skill.buildsOnOtherAgents()) {
                continue;
            }
            if (skill.buildsOnOtherAgents() && fromBuilder && !sample.alsoFrom().isEmpty()) {
                // "X, and <something that builds on it>" teaches X's skill to answer inside such a request; for the
                // skill that builds, half of it is X's plain subject, which would teach that X's subject alone asks
                // for building on answers: a plain "top headlines" then went to stage 2
                continue;
            }
            features.add(sample.features());
            labels.add(positive);
        }
        // Weigh the few positives as much as the many negatives.
        long positives = labels.stream().filter(label -> label).count();
        double positiveWeight = positives == 0 ? 1 : (double) (labels.size() - positives) / positives;
        int dense = features.getFirst().embedding().length;
        // dense weights, then the weights of the grams seen in training, then the bias
        double[] w = new double[dense + Features.GRAM_SPACE + 1];
        int[] seen = features.stream().flatMapToInt(x -> java.util.Arrays.stream(x.grams())).distinct().sorted()
                .toArray();
        double[] gradient = new double[w.length];
        int bias = w.length - 1;
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            java.util.Arrays.fill(gradient, 0, dense, 0);
            for (int gram : seen) {
                gradient[dense + gram] = 0;
            }
            gradient[bias] = 0;
            double totalWeight = 0;
            for (int i = 0; i < features.size(); i++) {
                Features x = features.get(i);
                boolean label = labels.get(i);
                double weight = label ? positiveWeight : 1;
                double error = (sigmoid(logit(w, x)) - (label ? 1 : 0)) * weight;
                float[] embedding = x.embedding();
                for (int d = 0; d < dense; d++) {
                    gradient[d] += error * embedding[d];
                }
                for (int gram : x.grams()) {
                    gradient[dense + gram] += error * x.gramWeight();
                }
                gradient[bias] += error;
                totalWeight += weight;
            }
            for (int d = 0; d < dense; d++) {
                w[d] -= LEARNING_RATE * (gradient[d] / totalWeight + L2 * w[d]);
            }
            for (int gram : seen) {
                w[dense + gram] -= LEARNING_RATE * (gradient[dense + gram] / totalWeight + L2 * w[dense + gram]);
            }
            w[bias] -= LEARNING_RATE * gradient[bias] / totalWeight;
        }
        return w;
    }

    private static double logit(double[] w, Features x) {
        float[] embedding = x.embedding();
        double sum = w[w.length - 1];
        for (int d = 0; d < embedding.length; d++) {
            sum += w[d] * embedding[d];
        }
        for (int gram : x.grams()) {
            sum += w[embedding.length + gram] * x.gramWeight();
        }
        return sum;
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
