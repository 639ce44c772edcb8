package dev.agentmesh.manager.planning;

import dev.agentmesh.manager.registry.LiveAgent;
import dev.langchain4j.model.embedding.onnx.e5smallv2q.E5SmallV2QuantizedEmbeddingModel;
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
 * What planning a request the planner has not seen costs, with langchain4j's e5-small-v2 session (ONNX Runtime's
 * default thread pool) and with the planner's own ({@link E5SmallOnOneThread}), side by side in one JVM: each
 * development request (never the held-out part) is planned by both, blocks of ten requests at a time, the block's
 * first planner alternating, each planner with its own caches, so every plan is a first one; the plans must be the
 * same. Wall time and the planning thread's CPU per plan, and the whole process's CPU (ONNX Runtime's pool threads
 * are not the planning thread) per block, as the system counts it in 10 ms ticks: its mean per plan only. A
 * block's process CPU includes whatever the other planner's pool threads still spin after theirs.
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
    void plansNewRequestsForLessCpuOnOneThreadThanOnLangchainsSession() {
        List<LiveAgent> agents = RoutingEvaluation.shippedAgents();
        List<String> requests = RoutingEvaluation.developmentPart().stream().map(RoutingEvaluation.Example::request)
                .distinct().toList();
        LocalPlanner before = planner(new SentenceModel(new E5SmallV2QuantizedEmbeddingModel(), "query: "), agents);
        LocalPlanner after = planner(SentenceModel.e5Small(), agents);
        for (int i = 0; i < WARM_UP; i++) {
            before.plan("Warm-up request number " + i + ", and the weather in town " + i, List.of(), agents);
            after.plan("Warm-up request number " + i + ", and the weather in town " + i, List.of(), agents);
        }

        Costs langchain = new Costs(requests.size());
        Costs oneThread = new Costs(requests.size());
        for (int from = 0; from < requests.size(); from += BLOCK) {
            List<String> block = requests.subList(from, Math.min(requests.size(), from + BLOCK));
            boolean langchainFirst = from / BLOCK % 2 == 0;
            List<Plan> plans = measure(langchainFirst ? before : after, block, from, agents,
                    langchainFirst ? langchain : oneThread);
            List<Plan> others = measure(langchainFirst ? after : before, block, from, agents,
                    langchainFirst ? oneThread : langchain);
            for (int i = 0; i < block.size(); i++) {
                assertThat(others.get(i).stages()).as(block.get(i)).isEqualTo(plans.get(i).stages());
            }
        }

        log.info(String.format(Locale.ROOT, "%n%d new requests (the development part), ms per plan:%n"
                        + "%-22s %-26s %-26s %-26s%n%s%n%s%n%s", requests.size(), "", "wall mean/p50/p99",
                "thread CPU mean/p50/p99", "process CPU mean", row("langchain4j session", langchain),
                row("one thread", oneThread), ratios(langchain, oneThread)));
        assertThat(oneThread.processCpuPerPlan()).isLessThan(langchain.processCpuPerPlan());
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
        return String.format(Locale.ROOT, "%-22s %-26s %-26s %.2f", name, summary(costs.wall),
                summary(costs.threadCpu), costs.processCpuPerPlan() / 1e6);
    }

    private static String ratios(Costs before, Costs after) {
        return String.format(Locale.ROOT, "%-22s %-26.2f %-26.2f %.2f", "before / after (mean)",
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
