package dev.agentmesh.benchmarks;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.agentmesh.benchmarks.LocalSystemBenchmark.fmt1;
import static dev.agentmesh.benchmarks.Samples.fmt;

/**
 * The section of RESULTS.md that {@code run.sh --local} writes, between {@link #BEGIN} and {@link #END}. A full
 * run keeps it, and a local run replaces only it.
 */
final class LocalReport {

    static final String BEGIN = "<!-- local: written by benchmarks/run.sh --local, kept by the other runs -->";
    static final String END = "<!-- /local -->";

    /** Service columns of the start-up table, in up.sh's order. */
    private static final List<String> COLUMNS = List.of("kafka", "realtime-emulator", "agent-manager", "weather-agent",
            "news-agent", "chat-agent", "memory-store", "gateway");

    private final LocalSystemBenchmark.Results results;
    private final Map<String, Object> machine;
    private final OffsetDateTime started;
    private final Duration took;
    private final StringBuilder out = new StringBuilder();

    LocalReport(LocalSystemBenchmark.Results results, Map<String, Object> machine, OffsetDateTime started,
                Duration took) {
        this.results = results;
        this.machine = machine;
        this.started = started;
        this.took = took;
    }

    /** {@code previous} with its local section replaced by this one (placed before the analysis when new). */
    String splice(String previous) {
        return splice(previous, section());
    }

    /** {@code previous} with its local section replaced by {@code section} (placed before the analysis when new). */
    static String splice(String previous, String generated) {
        String section = generated.stripTrailing(); // what follows the section's end marker is kept as it was
        int begin = previous.indexOf(BEGIN);
        int end = previous.indexOf(END);
        if (begin >= 0 && end > begin) {
            return previous.substring(0, begin) + section + previous.substring(end + END.length());
        }
        int analysis = previous.indexOf(Report.ANALYSIS);
        if (analysis >= 0) {
            return previous.substring(0, analysis) + section + "\n\n" + previous.substring(analysis);
        }
        return previous + "\n" + section + "\n";
    }

    /** The local section of {@code previous}, markers included, or empty. */
    static String keep(String previous) {
        int begin = previous.indexOf(BEGIN);
        int end = previous.indexOf(END);
        return begin >= 0 && end > begin ? previous.substring(begin, end + END.length()) + "\n\n" : "";
    }

    double warmMedianSeconds() {
        double[] seconds = results.warm().stream().mapToDouble(LocalSystem.Start::seconds).sorted().toArray();
        return seconds.length == 0 ? Double.NaN : seconds[(seconds.length - 1) / 2];
    }

    private String section() {
        line(BEGIN);
        line("## 6. The system as users start it (`benchmarks/run.sh --local`)");
        line("");
        line("This run: **" + results.sizes().mode() + "** sizes, code at commit `" + machine.get("gitCommit")
                + "`, started " + started.withNano(0) + ", took " + took.toSeconds() + " s, on " + Machine.summary(machine)
                + " (the benchmark's own JVM; the services run on the JDK up.sh picks, the same here). Load average "
                + "(whole machine, shared with other work) at start " + fmt2((Double) machine.get("loadAverageAtStart"))
                + ", at end " + fmt2((Double) machine.get("loadAverageAtEnd")) + "; each row gives its own.");
        line("");
        line("`deploy/local/up.sh` starts a single-node KRaft broker, then every service as its own JVM with the flags "
                + "`deploy/local/common.sh` gives it, offline (emulator upstream, sample data, local planner). Nothing "
                + "else of the benchmark runs meanwhile: its client is idle while a start is timed.");
        line("");
        targets();
        startup();
        fanOut();
        segments();
        line(END);
        return out.toString();
    }

    private void targets() {
        LocalSystemBenchmark.Sizes sizes = results.sizes();
        LocalSystemBenchmark.Workload shipped = results.shipped();
        double warm = warmMedianSeconds();
        line("| target | measured | met |");
        line("|---|---|---|");
        line("| warm start (jars built, archives made) under 15 s | " + fmt1(warm) + " s, median of "
                + results.warm().size() + " (" + results.warm().stream().map(s -> fmt1(s.seconds()) + " s at load "
                + fmt1(s.loadBefore())).reduce((a, b) -> a + ", " + b).orElse("none") + ") | " + verdict(warm, 15)
                + " |");
        for (LocalSystemBenchmark.Workload w : List.of(shipped, results.warmed())) {
            line("| mesh overhead over the agents' own time: p50 ≤ 10 ms, p99 ≤ 25 ms ("
                    + (w == shipped ? "right after the start: tasks " + (sizes.warmupTasks() + 1) + "–"
                    + (sizes.warmupTasks() + sizes.tasks()) : "warmed: after " + sizes.warmedAfter() + " tasks") + ") | p50 "
                    + fmt(w.overhead().p50()) + ", p99 " + fmt(w.overhead().p99()) + " (" + w.failures()
                    + " failed of " + (w.latency().count() + w.failures()) + ") | " + verdict(w.overhead().p50(), 10)
                    + " p50, " + verdict(w.overhead().p99(), 25) + " p99 |");
        }
        Samples bare = shipped.bareHop();
        line("| (beside it, the machine's share) one bare Kafka hop on the same broker, once after each task; a task "
                + "crosses four | p50 " + fmt(bare.p50()) + ", p99 " + fmt(bare.p99()) + "; four hops p50 "
                + fmt(4 * bare.p50()) + "; overhead p50 ÷ bare hop p50 " + ratio(shipped.overhead().p50(), bare.p50())
                + " | measured (no target) |");
        for (LocalSystemBenchmark.Workload w : List.of(shipped, results.shippedVaried(), results.warmedVaried())) {
            line("| local planning ≤ 10 ms (" + (w == shipped ? "the same question: its features are cached"
                    : w == results.shippedVaried() ? "a new question each task" : "a new question each task, warmed")
                    + ") | mean " + fmt(w.planning().meanMs()) + " over "
                    + w.planning().count() + " plans (the planner on its own thread: " + fmt(w.planning().ownMeanMs())
                    + "; the rest is the wait for a planner thread), max " + fmt(w.planning().maxMs())
                    + " (Micrometer's max of the last minutes) | " + verdict(w.planning().meanMs(), 10) + " mean, "
                    + verdict(w.planning().maxMs(), 10) + " max |");
        }
        line("");
    }

    private void startup() {
        line("### Start-up");
        line("");
        line("Seconds from the start of the services (Kafka: from its own start) until each readiness probe answered, "
                + "polled every 0.2 s by up.sh, with the CPU seconds the JVM had used by then in brackets; \"all agents "
                + "planned with\": until the manager logged every agent live (its local planner has learned the card), "
                + "which up.sh also waits for; `up.sh` is the script's whole wall time, broker and extraction included "
                + "(the fresh clone's includes the build). All services start at once when Kafka is ready, so on 2 "
                + "cores the CPU they need together sets the pace.");
        line("");
        StringBuilder header = new StringBuilder("| start | settings | load before | up.sh |");
        StringBuilder rule = new StringBuilder("|---|---|---|---|");
        for (String column : COLUMNS) {
            header.append(' ').append(column).append(" |");
            rule.append("---|");
        }
        header.append(" all agents planned with | CPU, all JVMs |");
        rule.append("---|---|");
        line(header.toString());
        line(rule.toString());
        startRow(results.freshClone());
        startRow(results.first());
        results.warm().forEach(this::startRow);
        startRow(results.tieredStart());
        startRow(results.serialStart());
        startRow(results.brokerC1Start());
        startRow(results.noArchives());
        line("");
        line("Archives made after the first start: " + (results.archived().isEmpty() ? "none"
                : String.join(", ", results.archived())) + ".");
        line("");
    }

    private void startRow(LocalSystem.Start start) {
        StringBuilder row = new StringBuilder("| " + start.label() + " | " + start.settings() + " | "
                + fmt1(start.loadBefore()) + " | " + fmt1(start.seconds()) + " |");
        for (String column : COLUMNS) {
            LocalSystem.ServiceStart service = start.service(column);
            row.append(' ').append(service == null ? "–" : fmt1(service.readyMs() / 1000.0) + " ("
                    + fmt1(service.cpuMs() / 1000.0) + ")").append(" |");
        }
        row.append(' ').append(start.agentsLiveMs() < 0 ? "–" : fmt1(start.agentsLiveMs() / 1000.0)).append(" | ")
                .append(fmt1(start.totalCpuMs() / 1000.0)).append(" |");
        line(row.toString());
    }

    private void fanOut() {
        LocalSystemBenchmark.Sizes sizes = results.sizes();
        line("### Fan-out through the local system");
        line("");
        line("The walkthrough's question (\"" + LocalSystemBenchmark.REQUEST + "\"), which the local planner sends to "
                + "weather and news in one stage, published on agent-tasks by a warmed client (as the gateway and "
                + "`deploy/local/ask.sh` do, `linger.ms=0`) one task after another: " + sizes.tasks()
                + " measured tasks after " + sizes.warmupTasks() + " unrecorded ones, right after a warm start. "
                + "Latency is from just before the send to the moment the result is polled from agent-results. The "
                + "agents' own time is the slower outcome's `durationMs` (the agent's clock from taking the subtask to "
                + "having its answer); the mesh overhead is the latency minus it, per task (planning included). "
                + "Planning is the manager's `manager_planning_duration_seconds` timer (local planner) over the "
                + "measured tasks. The last row is the floor, measured in this JVM in the same run: the fan-out "
                + "benchmark's in-process broker, real manager and simulated agents (sim50, sim80, sim120, which sleep), "
                + "project settings, one task at a time, " + results.inProcess().samples().count() + " tasks. The row "
                + "\"a new question each task\" asks, against the same start, " + sizes.tasks() + " questions of that "
                + "kind the manager has not seen (cities, countries, phrasing and time of day vary, after "
                + sizes.warmupTasks() + " unrecorded ones, also new), so its planning figure is of embedding and "
                + "classifying each, not of the planner's cache. The two \"warmed\" rows come next on the same "
                + "start, after " + sizes.warmingTasks() + " more unrecorded tasks of the same question (" + sizes.warmedAfter()
                + " tasks since the start, a couple of minutes): the first tasks after a start still pay for the JIT "
                + "compilers (the services' C1, the broker's C2) and their code not yet compiled. The warmed new "
                + "questions are " + sizes.tasks() + " further ones, none asked before on that start.");
        line("");
        line("| JVM flags | n | failed | latency p50 | latency p99 | agents' own p50 | agents' own p99 | overhead p50 | "
                + "overhead p90 | overhead p99 | overhead max | planning mean | planning max | load |");
        line("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        workloads().forEach(this::workloadRow);
        Samples in = results.inProcess().samples();
        Samples over = results.inProcess().overAgents();
        line("| in-process floor (one JVM, in-process broker, simulated agents) | " + in.count() + " | " + in.failures()
                + " | " + fmt(in.p50()) + " | " + fmt(in.p99()) + " | " + fmt(results.inProcessFloor().p50()) + " | "
                + fmt(results.inProcessFloor().p99()) + " | " + fmt(over.p50()) + " | " + fmt(over.p90()) + " | "
                + fmt(over.p99()) + " | " + fmt(over.max()) + " | | | |");
        for (LocalSystemBenchmark.Workload workload : workloads()) {
            if (!workload.failureReasons().isEmpty()) {
                line("");
                line("Failures with " + workload.label() + ": " + workload.failureReasons());
            }
        }
        line("");
        line("Overhead p50 ratio, C1 and C2 ÷ shipped flags: " + ratio(results.tiered().overhead().p50(),
                results.shipped().overhead().p50()) + "; the serial collector for every service ÷ shipped flags: "
                + ratio(results.serial().overhead().p50(), results.shipped().overhead().p50())
                + "; the broker C1 only too ÷ shipped flags: right after the start "
                + ratio(results.brokerC1().overhead().p50(), results.shipped().overhead().p50()) + ", warmed "
                + ratio(results.brokerC1Warmed().overhead().p50(), results.warmed().overhead().p50())
                + "; shipped flags right after the start ÷ warmed: "
                + ratio(results.shipped().overhead().p50(), results.warmed().overhead().p50())
                + "; shipped flags, warmed ÷ in-process floor: "
                + ratio(results.warmed().overhead().p50(), over.p50()) + ".");
        line("");
    }

    private void workloadRow(LocalSystemBenchmark.Workload w) {
        line("| " + w.label() + " | " + w.latency().count() + " | " + w.failures() + " | " + fmt(w.latency().p50())
                + " | " + fmt(w.latency().p99()) + " | " + fmt(w.agents().p50()) + " | " + fmt(w.agents().p99()) + " | "
                + fmt(w.overhead().p50()) + " | " + fmt(w.overhead().p90()) + " | " + fmt(w.overhead().p99()) + " | "
                + fmt(w.overhead().max()) + " | " + fmt(w.planning().meanMs()) + " | " + fmt(w.planning().maxMs())
                + " | " + fmt1(w.loadBefore()) + "–" + fmt1(w.loadAfter()) + " |");
    }

    private void segments() {
        line("### Where a task's time goes");
        line("");
        line("By the timestamps the records' producers gave them (one machine, one clock, whole milliseconds; "
                + "the records are read back after the tasks ran, since a consumer reading them live takes CPU from the "
                + "services): the plan's is the instant the planning stage made it (stage 1's deadline is computed "
                + "from it), a subtask's when it was sent, the result's when the manager published it. \"Agent side\" is the slower agent's subtask to its reply minus its "
                + "own `durationMs`: the hop to the agent and the SDK around the agent (listener, worker, reply). \"Bare hop\" is "
                + "one record sent and polled by the benchmark's own producer and consumer on the same broker, once right "
                + "after each task (client clock, not whole milliseconds): what each of the four hops costs before any "
                + "service code runs.");
        line("");
        line("| JVM flags | task sent → plan | plan → last subtask | agent side | last reply → result | "
                + "result → client | bare hop (no service, same broker) |");
        line("|---|---|---|---|---|---|---|");
        for (LocalSystemBenchmark.Workload w : workloads()) {
            LocalSystemBenchmark.Hops h = w.hops();
            line("| " + w.label() + " | " + pair(h.toPlan()) + " | " + pair(h.planToSubtasks()) + " | "
                    + pair(h.agentSide()) + " | " + pair(h.replyToResult()) + " | " + pair(h.resultToClient()) + " | "
                    + pair(w.bareHop()) + " |");
        }
        line("");
    }

    private List<LocalSystemBenchmark.Workload> workloads() {
        return List.of(results.shipped(), results.shippedVaried(), results.warmed(), results.warmedVaried(),
                results.tiered(), results.serial(), results.brokerC1(), results.brokerC1Warmed());
    }

    private static String pair(Samples samples) {
        return fmt(samples.p50()) + " / " + fmt(samples.p99());
    }

    private static String verdict(double value, double limit) {
        if (Double.isNaN(value)) {
            return "not measured";
        }
        return value <= limit ? "met" : "**missed by " + fmt(value - limit) + "**";
    }

    private static String ratio(double value, double base) {
        return Double.isNaN(value) || base <= 0 ? "n/a" : String.format(Locale.ROOT, "%.2f×", value / base);
    }

    private static String fmt2(Double value) {
        return value == null ? "n/a" : String.format(Locale.ROOT, "%.2f", value);
    }

    private void line(String text) {
        out.append(text).append('\n');
    }
}
