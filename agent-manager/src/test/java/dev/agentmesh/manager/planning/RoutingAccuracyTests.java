package dev.agentmesh.manager.planning;

import dev.agentmesh.manager.registry.LiveAgent;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local planner's routing accuracy on the shared dev set ({@code shared/routing/dev-set.jsonl}) and on a
 * held-out set written for this project, with the descriptions the real agents register.
 */
class RoutingAccuracyTests {

    private static final Logger log = LoggerFactory.getLogger(RoutingAccuracyTests.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static final List<LiveAgent> AGENTS = List.of(
            new LiveAgent("chat", "Conversation, general knowledge and writing help; relates, explains and "
                    + "synthesises other agents' answers.", "chat-requests"),
            new LiveAgent("news", "Latest news headlines from RSS and Atom feeds, on a topic, place or keyword, "
                    + "with sources.", "news-requests"),
            new LiveAgent("weather", "Current weather conditions and today's forecast for a place: temperature, "
                    + "rain, snow, wind.", "weather-requests"));

    static LocalPlanner planner;

    @BeforeAll
    static void loadModel() {
        planner = new LocalPlanner(new AllMiniLmL6V2QuantizedEmbeddingModel(), 0.35);
    }

    @Test
    void choosesTheRightAgentsAndStagesForTheDevSet() throws IOException {
        Accuracy accuracy = measure(Files.readAllLines(devSet(), StandardCharsets.UTF_8));
        log.info("Dev set: agent sets {}/{} ({}), stages {}/{} ({}); misses: {}", accuracy.agentHits,
                accuracy.total, accuracy.agentRate(), accuracy.stageHits, accuracy.staged, accuracy.stageRate(),
                accuracy.misses);

        assertThat(accuracy.total).isEqualTo(24);
        assertThat(accuracy.agentRate()).isGreaterThanOrEqualTo(0.95);
        assertThat(accuracy.stageRate()).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void generalisesToPhrasingsItWasNotWrittenFor() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/routing/held-out.jsonl")) {
            Accuracy accuracy = measure(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
            log.info("Held-out set: agent sets {}/{} ({}), stages {}/{} ({}); misses: {}", accuracy.agentHits,
                    accuracy.total, accuracy.agentRate(), accuracy.stageHits, accuracy.staged,
                    accuracy.stageRate(), accuracy.misses);

            assertThat(accuracy.agentRate()).isGreaterThanOrEqualTo(0.8);
        }
    }

    private static Accuracy measure(List<String> lines) {
        Accuracy accuracy = new Accuracy();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode example = JSON.readTree(line);
            String request = example.path("request").asString();
            Set<String> expected = new HashSet<>(strings(example.path("agents")));
            Plan plan = planner.plan(request, List.of(), AGENTS);
            accuracy.total++;
            boolean agentsRight = new HashSet<>(plan.agents()).equals(expected);
            if (agentsRight) {
                accuracy.agentHits++;
            }
            boolean stagesRight = true;
            if (example.has("stages")) {
                accuracy.staged++;
                List<Set<String>> expectedStages = new ArrayList<>();
                example.path("stages").forEach(stage -> expectedStages.add(new HashSet<>(strings(stage))));
                List<Set<String>> actualStages = plan.stages().stream().map(s -> (Set<String>) new HashSet<>(s))
                        .toList();
                stagesRight = actualStages.equals(expectedStages);
                if (stagesRight) {
                    accuracy.stageHits++;
                }
            }
            if (!agentsRight || !stagesRight) {
                accuracy.misses.add(request + " -> " + plan.stages());
            }
        }
        return accuracy;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asString()));
        return values;
    }

    /** The dev set lives in the shared folder beside the repository; walk up from here to find it. */
    static Path devSet() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/routing/dev-set.jsonl");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("shared/routing/dev-set.jsonl not found above " + Path.of("").toAbsolutePath()
                + "; the repository is expected to be checked out with shared/ beside it");
    }

    static final class Accuracy {
        int total;
        int agentHits;
        int staged;
        int stageHits;
        final List<String> misses = new ArrayList<>();

        double agentRate() {
            return total == 0 ? 0 : (double) agentHits / total;
        }

        double stageRate() {
            return staged == 0 ? 1 : (double) stageHits / staged;
        }
    }
}
