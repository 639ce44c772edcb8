package dev.agentmesh.manager.planning;

import dev.agentmesh.manager.registry.LiveAgent;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What planning a request the planner has not seen costs, with the texts of a request (the whole and its clauses)
 * each in a pass of the model of its own, as the planner did before, and passed through together
 * ({@link E5SmallOnOneThread#embedAll}), side by side in one JVM: each development request (never the held-out part)
 * is planned by both, blocks of ten requests at a time, the block's first planner alternating, each planner with its
 * own caches, so every plan is a first one. Wall time and the planning thread's CPU per plan, the whole process's CPU
 * per block as the system counts it in 10 ms ticks (its mean per plan only), and how many plans differ (texts passed
 * together do not come out exactly as each alone). Both run on one ONNX Runtime thread; the step before, from
 * langchain4j's session (a spinning thread per core) to one thread, is in git history.
 * It runs only when asked for:
 * <pre>
 * ./mvnw -B -ntp -pl agent-manager -am test -Dtest=PlanningCostBenchmark -Dplanning.cost=true \
 *   -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfSystemProperty(named = "planning.cost", matches = "true")
class PlanningCostBenchmark {

    private static final Logger log = LoggerFactory.getLogger(PlanningCostBenchmark.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean PROCESS = (com.sun.management.OperatingSystemMXBean)
            ManagementFactory.getOperatingSystemMXBean();
    /** Made-up requests planned first by both, so that neither pays the JIT compiler's first passes. */
    private static final int WARM_UP = 40;

    private static final int BLOCK = 10;

    /** Per plan, in nanoseconds; the process's CPU summed over all plans. */
    private static final class Costs {
        final long[] wall;
        final long[] threadCpu;
        long processCpu;

        Costs(int plans) {
            wall = new long[plans];
            threadCpu = new long[plans];
        }

        double processCpuPerPlan() {
            return (double) processCpu / wall.length;
        }
    }

    @Test
    void plansNewRequestsForLessCpuWithARequestsTextsPassedTogether() {
        List<LiveAgent> agents = RoutingEvaluation.shippedAgents();
        List<String> requests = RoutingEvaluation.developmentPart().stream().map(RoutingEvaluation.Example::request)
                .distinct().toList();
        LocalPlanner before = planner(new SentenceModel(new OnePassEach(new E5SmallOnOneThread()), "query: "), agents);
        LocalPlanner after = planner(SentenceModel.e5Small(), agents);
        for (int i = 0; i < WARM_UP; i++) {
            before.plan("Warm-up request number " + i + ", and the weather in town " + i, List.of(), agents);
            after.plan("Warm-up request number " + i + ", and the weather in town " + i, List.of(), agents);
        }

        Costs onePassEach = new Costs(requests.size());
        Costs together = new Costs(requests.size());
        int differ = 0;
        for (int from = 0; from < requests.size(); from += BLOCK) {
            List<String> block = requests.subList(from, Math.min(requests.size(), from + BLOCK));
            boolean beforeFirst = from / BLOCK % 2 == 0;
            List<Plan> plans = measure(beforeFirst ? before : after, block, from, agents,
                    beforeFirst ? onePassEach : together);
            List<Plan> others = measure(beforeFirst ? after : before, block, from, agents,
                    beforeFirst ? together : onePassEach);
            for (int i = 0; i < block.size(); i++) {
                if (!others.get(i).stages().equals(plans.get(i).stages())) {
                    differ++;
                }
            }
        }

        log.info(String.format(Locale.ROOT, "%n%d new requests (the development part), ms per plan:%n"
                        + "%-26s %-26s %-26s %-26s%n%s%n%s%n%s%nplans that differ: %d of %d", requests.size(), "",
                "wall mean/p50/p99", "thread CPU mean/p50/p99", "process CPU mean",
                row("a pass for each text", onePassEach), row("a request's texts together", together),
                ratios(onePassEach, together), differ, requests.size())
                + withClauses(requests, onePassEach, together));
        assertThat(together.processCpuPerPlan()).isLessThan(onePassEach.processCpuPerPlan());
    }

    /** Wall and thread CPU over the requests with clauses alone: those that have several texts to pass. */
    private static String withClauses(List<String> requests, Costs before, Costs after) {
        int[] indexes = java.util.stream.IntStream.range(0, requests.size())
                .filter(i -> !LocalPlanner.clauses(requests.get(i)).isEmpty()).toArray();
        long[][] picked = new long[4][indexes.length];
        for (int j = 0; j < indexes.length; j++) {
            picked[0][j] = before.wall[indexes[j]];
            picked[1][j] = before.threadCpu[indexes[j]];
            picked[2][j] = after.wall[indexes[j]];
            picked[3][j] = after.threadCpu[indexes[j]];
        }
        return String.format(Locale.ROOT, "%nthe %d requests with clauses, wall / thread CPU mean: a pass for each "
                        + "text %.2f / %.2f, together %.2f / %.2f, before / after %.2f / %.2f", indexes.length,
                mean(picked[0]) / 1e6, mean(picked[1]) / 1e6, mean(picked[2]) / 1e6, mean(picked[3]) / 1e6,
                mean(picked[0]) / mean(picked[2]), mean(picked[1]) / mean(picked[3]));
    }

    /** The planner's model as it was before: each text in a pass of its own, also when several come at once. */
    private record OnePassEach(EmbeddingModel model) implements EmbeddingModel {

        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            return Response.from(segments.stream().map(segment -> model.embed(segment).content()).toList());
        }
    }

    private static LocalPlanner planner(SentenceModel model, List<LiveAgent> agents) {
        LocalPlanner planner = PlanningConfiguration.localPlanner(model, PlanningConfiguration.DEFAULT_THRESHOLDS);
        planner.prepare(agents);
        return planner;
    }

    private static List<Plan> measure(LocalPlanner planner, List<String> block, int from, List<LiveAgent> agents,
                                      Costs costs) {
        List<Plan> plans = new ArrayList<>();
        long process = PROCESS.getProcessCpuTime();
        for (int i = 0; i < block.size(); i++) {
            long thread = THREADS.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            plans.add(planner.plan(block.get(i), List.of(), agents));
            costs.wall[from + i] = System.nanoTime() - wall;
            costs.threadCpu[from + i] = THREADS.getCurrentThreadCpuTime() - thread;
        }
        costs.processCpu += PROCESS.getProcessCpuTime() - process;
        return plans;
    }

    private static String row(String name, Costs costs) {
        return String.format(Locale.ROOT, "%-26s %-26s %-26s %.2f", name, summary(costs.wall),
                summary(costs.threadCpu), costs.processCpuPerPlan() / 1e6);
    }

    private static String ratios(Costs before, Costs after) {
        return String.format(Locale.ROOT, "%-26s %-26.2f %-26.2f %.2f", "before / after (mean)",
                mean(before.wall) / mean(after.wall), mean(before.threadCpu) / mean(after.threadCpu),
                before.processCpuPerPlan() / after.processCpuPerPlan());
    }

    private static String summary(long[] nanos) {
        return String.format(Locale.ROOT, "%.2f / %.2f / %.2f", mean(nanos) / 1e6, percentile(nanos, 0.5) / 1e6,
                percentile(nanos, 0.99) / 1e6);
    }

    private static double mean(long[] nanos) {
        return Arrays.stream(nanos).average().orElseThrow();
    }

    private static double percentile(long[] nanos, double rank) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(rank * sorted.length) - 1)];
    }
}
