package dev.agentmesh.memory.profile;

import dev.agentmesh.events.ProfileField;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fact rules against labelled sentences: {@code learning/dev.tsv} (the sentences the rules were written
 * against: all must pass) and {@code learning/held-out.tsv} (written before the rules, never used to tune them:
 * the measured share is what to expect of sentences nobody anticipated).
 */
class FactExtractorTests {

    private static final Logger log = LoggerFactory.getLogger(FactExtractorTests.class);

    /** The held-out share that must stay reached; the measured one is in the log and in README. */
    private static final double HELD_OUT_FLOOR = 0.8;

    record Labelled(String sentence, Map<String, String> expected) {
    }

    @Test
    void readsEverySentenceItWasWrittenAgainst() throws IOException {
        List<String> misses = misses(load("dev.tsv"));

        assertThat(misses).isEmpty();
    }

    @Test
    void readsMostSentencesItWasNotTunedOn() throws IOException {
        List<Labelled> heldOut = load("held-out.tsv");
        List<String> misses = misses(heldOut);
        double share = 1.0 - (double) misses.size() / heldOut.size();
        log.info("Held-out: {}/{} sentences read as labelled ({}%); misses: {}", heldOut.size() - misses.size(),
                heldOut.size(), Math.round(share * 100), misses);

        assertThat(share).as("held-out share; misses: %s", misses).isGreaterThanOrEqualTo(HELD_OUT_FLOOR);
    }

    @Test
    void learnsNothingFromQuestionsNegationsAndThingsThatAreNotNames() {
        assertThat(FactExtractor.extract("Do you live in Paris?")).isEmpty();
        assertThat(FactExtractor.extract("I don't live in Paris")).isEmpty();
        assertThat(FactExtractor.extract("Don't call me Sam")).isEmpty();
        assertThat(FactExtractor.extract("I'm not interested in football")).isEmpty();
        assertThat(FactExtractor.extract("Don't use Fahrenheit")).isEmpty();
        assertThat(FactExtractor.extract("Convert 10 miles to kilometres")).isEmpty();
        assertThat(FactExtractor.extract("")).isEmpty();
    }

    @Test
    void keepsTheSentenceAFactWasLearnedFrom() {
        List<LearnedFact> facts = FactExtractor.extract("Hello there. I live in Lyon! What's the weather?");

        assertThat(facts).singleElement().satisfies(fact -> {
            assertThat(fact.field()).isEqualTo(ProfileField.HOME_CITY);
            assertThat(fact.value()).isEqualTo("Lyon");
            assertThat(fact.sentence()).isEqualTo("I live in Lyon!");
        });
    }

    private static List<String> misses(List<Labelled> sentences) {
        List<String> misses = new ArrayList<>();
        for (Labelled labelled : sentences) {
            Map<String, String> actual = asLabels(FactExtractor.extract(labelled.sentence()));
            if (!actual.equals(labelled.expected())) {
                misses.add("\"" + labelled.sentence() + "\" expected " + labelled.expected() + " but read " + actual);
            }
        }
        return misses;
    }

    private static Map<String, String> asLabels(List<LearnedFact> facts) {
        Map<String, String> labels = new TreeMap<>();
        for (LearnedFact fact : facts) {
            String value = fact.value() instanceof List<?> list
                    ? String.join("|", list.stream().map(String::valueOf).toList())
                    : fact.value() instanceof Enum<?> units ? units.name().toLowerCase() : String.valueOf(fact.value());
            labels.put(fact.field().wireName(), value);
        }
        return labels;
    }

    private static List<Labelled> load(String file) throws IOException {
        try (InputStream in = FactExtractorTests.class.getResourceAsStream("/learning/" + file)) {
            assertThat(in).as(file).isNotNull();
            List<Labelled> labelled = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] columns = line.split("\t");
                Map<String, String> expected = new TreeMap<>();
                if (!columns[1].strip().equals("-")) {
                    Arrays.stream(columns[1].split(";")).map(String::strip).forEach(pair -> {
                        String[] kv = pair.split("=", 2);
                        expected.put(kv[0], kv[1]);
                    });
                }
                labelled.add(new Labelled(columns[0], expected));
            }
            return labelled;
        }
    }
}
