package dev.agentmesh.manager.planning;

import dev.agentmesh.events.ContextEntry;
import dev.agentmesh.manager.registry.LiveAgent;
import dev.agentmesh.manager.ShippedCards;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Measures a planner on labelled requests: exact agent set, exact stages, and a confusion count per agent. The
 * agents are the real ones as their modules ship their cards ({@code <module>/src/main/resources/agent-cards}).
 */
final class RoutingEvaluation {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The process's CPU time: the model may run on threads of its own runtime, not only the calling one. */
    private static final com.sun.management.OperatingSystemMXBean CPU = (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /**
     * One labelled request; {@code stages} is one stage of all agents unless the label says otherwise, and
     * {@code context} what the task carries of the conversation before it (a follow-up's), empty unless given.
     */
    record Example(String request, List<Set<String>> stages, List<ContextEntry> context) {

        Set<String> agents() {
            Set<String> all = new HashSet<>();
            stages.forEach(all::addAll);
            return all;
        }
    }

    /** Per agent: asked when expected, asked when not, not asked when expected. */
    static final class Confusion {
        int truePositives;
        int falsePositives;
        int falseNegatives;
        int trueNegatives;
    }

    static final class Report {
        final String name;
        int total;
        int exactSet;
        int exactStages;
        int twoStage;
        int twoStageRight;
        /** The process's CPU time over all requests; uncached only on a planner's first pass over them. */
        long planningCpuNanos;
        final TreeMap<String, Confusion> confusion = new TreeMap<>();
        final List<String> misses = new ArrayList<>();

        Report(String name) {
            this.name = name;
        }

        double exactSetRate() {
            return total == 0 ? 0 : (double) exactSet / total;
        }

        double stageRate() {
            return total == 0 ? 0 : (double) exactStages / total;
        }

        String summary() {
            return String.format(Locale.ROOT, "%s: %d requests, exact agent set %d/%d (%.1f%%), stages %d/%d "
                            + "(%.1f%%), of which two-stage requests %d/%d", name, total, exactSet, total,
                    100 * exactSetRate(), exactStages, total, 100 * stageRate(), twoStageRight, twoStage);
        }

        /** Planning CPU time per request, in milliseconds. */
        double cpuMillisPerRequest() {
            return total == 0 ? 0 : planningCpuNanos / 1e6 / total;
        }

        String table() {
            StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-10s %5s %5s %5s %5s %9s %7s%n",
                    "agent", "TP", "FP", "FN", "TN", "precision", "recall"));
            confusion.forEach((agent, c) -> table.append(String.format(Locale.ROOT,
                    "%-10s %5d %5d %5d %5d %9.3f %7.3f%n", agent, c.truePositives, c.falsePositives,
                    c.falseNegatives, c.trueNegatives, ratio(c.truePositives, c.truePositives + c.falsePositives),
                    ratio(c.truePositives, c.truePositives + c.falseNegatives))));
            return table.toString();
        }

        private static double ratio(int a, int b) {
            return b == 0 ? 1 : (double) a / b;
        }
    }

    private RoutingEvaluation() {
    }

    static Report measure(String name, Planner planner, List<Example> examples, List<LiveAgent> agents) {
        Report report = new Report(name);
        agents.forEach(agent -> report.confusion.put(agent.name(), new Confusion()));
        for (Example example : examples) {
            long cpuBefore = CPU.getProcessCpuTime();
            Plan plan = planner.plan(example.request(), example.context(), agents);
            report.planningCpuNanos += CPU.getProcessCpuTime() - cpuBefore;
            List<Set<String>> stages = plan.stages().stream().map(stage -> (Set<String>) new HashSet<>(stage))
                    .toList();
            Set<String> chosen = new HashSet<>(plan.agents());
            report.total++;
            boolean setRight = chosen.equals(example.agents());
            boolean stagesRight = stages.equals(example.stages());
            report.exactSet += setRight ? 1 : 0;
            report.exactStages += stagesRight ? 1 : 0;
            if (example.stages().size() > 1) {
                report.twoStage++;
                report.twoStageRight += stagesRight ? 1 : 0;
            }
            report.confusion.forEach((agent, c) -> {
                boolean expected = example.agents().contains(agent);
                boolean asked = chosen.contains(agent);
                if (expected && asked) {
                    c.truePositives++;
                } else if (asked) {
                    c.falsePositives++;
                } else if (expected) {
                    c.falseNegatives++;
                } else {
                    c.trueNegatives++;
                }
            });
            if (!setRight || !stagesRight) {
                report.misses.add(example.request() + "  expected " + example.stages() + ", planned "
                        + plan.stages() + " (" + plan.rationale() + ")");
            }
        }
        return report;
    }

    static List<Example> parse(List<String> lines) {
        List<Example> examples = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = JSON.readTree(line);
            List<Set<String>> stages = new ArrayList<>();
            if (node.has("stages")) {
                node.path("stages").forEach(stage -> stages.add(strings(stage)));
            } else {
                stages.add(strings(node.path("agents")));
            }
            List<ContextEntry> context = new ArrayList<>();
            node.path("context").forEach(entry -> context.add(new ContextEntry(entry.path("role").asString(),
                    entry.path("text").asString())));
            examples.add(new Example(node.path("request").asString(), stages, List.copyOf(context)));
        }
        return examples;
    }

    static List<Example> resource(String path) {
        try (InputStream in = RoutingEvaluation.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is not on the test class path");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The shared dev set lives in the shared folder beside the repository (the project reads it, never copies it).
     * A clone without that folder measures the development part without it, and says so; empty then.
     */
    static List<Example> sharedDevSet() {
        Optional<Path> shared = findUp("shared/routing/dev-set.jsonl");
        if (shared.isEmpty()) {
            org.slf4j.LoggerFactory.getLogger(RoutingEvaluation.class).warn("shared/routing/dev-set.jsonl is not "
                    + "beside this clone: the development part is measured without its requests");
            return List.of();
        }
        try {
            return parse(Files.readAllLines(shared.get(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The development part: the shared dev set (when beside the clone), dev.jsonl and blind.jsonl; never held-out. */
    static List<Example> developmentPart() {
        List<Example> examples = new ArrayList<>(sharedDevSet());
        examples.addAll(resource("/routing/dev.jsonl"));
        examples.addAll(resource("/routing/blind.jsonl"));
        return examples;
    }

    private static LocalPlanner localPlanner;

    /** The local planner with application.yml's thresholds, loaded once per test JVM (the model takes a while). */
    static synchronized LocalPlanner localPlanner() {
        if (localPlanner == null) {
            localPlanner = PlanningConfiguration.localPlanner(SentenceModel.e5Small(),
                    PlanningConfiguration.DEFAULT_THRESHOLDS);
        }
        return localPlanner;
    }

    /** Every card an agent module of this repository ships, read the way the SDK reads it. */
    static List<LiveAgent> shippedAgents() {
        return ShippedCards.liveAgents();
    }

    private static Optional<Path> findUp(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.exists(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> values = new LinkedHashSet<>();
        array.forEach(node -> values.add(node.asString()));
        return values;
    }
}
