package dev.agentmesh.benchmarks;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.agentmesh.benchmarks.Samples.fmt;

/**
 * RESULTS.md from one run. Everything above {@link #ANALYSIS} is generated; the hand-written analysis below it
 * is kept across runs.
 */
final class Report {

    static final String ANALYSIS = "<!-- analysis: hand-written, kept when run.sh regenerates the sections above -->";

    private final Benchmarks.Sizes sizes;
    private final Map<String, Object> machine;
    private final OffsetDateTime started;
    private final Duration took;
    private final FanOutBenchmark fanOut;
    private final Samples parallel;
    private final Samples sequential;
    private final List<FanOutBenchmark.Run> runs;
    private final List<FanOutBenchmark.Step> steps;
    private final RelayBenchmark.Results relay;
    private final HeadOfLineBenchmark.Results headOfLine;
    private final StringBuilder out = new StringBuilder();

    Report(Benchmarks.Sizes sizes, Map<String, Object> machine, OffsetDateTime started, Duration took,
           FanOutBenchmark fanOut, Samples parallel, Samples sequential, List<FanOutBenchmark.Run> runs,
           List<FanOutBenchmark.Step> steps, RelayBenchmark.Results relay,
           HeadOfLineBenchmark.Results headOfLine) {
        this.sizes = sizes;
        this.machine = machine;
        this.started = started;
        this.took = took;
        this.fanOut = fanOut;
        this.parallel = parallel;
        this.sequential = sequential;
        this.runs = runs;
        this.steps = steps;
        this.relay = relay;
        this.headOfLine = headOfLine;
    }

    String markdown(String previous) {
        line("# Benchmarks");
        line("");
        line("`benchmarks/run.sh` (full sizes) or `benchmarks/run.sh --quick` (smoke sizes) regenerates this file and "
                + "`benchmarks/results/machine-<date>.json` (machine description and every number below). `./mvnw verify` "
                + "runs none of it.");
        line("");
        line("This run: **" + sizes.mode() + "** sizes, code at commit `" + machine.get("gitCommit") + "`, started " + started.withNano(0) + ", took " + took.toSeconds()
                + " s, on " + Machine.summary(machine) + ". Load average (whole machine, shared "
                + "with other work) at start " + String.format(Locale.ROOT, "%.2f", (Double) machine.get("loadAverageAtStart"))
                + ", at end " + String.format(Locale.ROOT, "%.2f", (Double) machine.get("loadAverageAtEnd")) + ".");
        line("");
        line("**Everything runs in one JVM on the same cores**: the in-process KRaft broker (`TestKafka`), the manager "
                + "and the agent services (each its own Spring context with its module's application.yml), the gateway, "
                + "the purpose-built upstream and the load generators. Latencies therefore include the load generator's "
                + "CPU share and scheduling on a shared 2-core machine; baselines are measured in the same run so ratios "
                + "are comparable. All times in ms; percentiles are nearest-rank over every sample (no bucketing); "
                + "failed tasks and errors are counted apart and never enter a distribution.");
        line("");
        targets();
        fanOutSection();
        out.append(headOfLine.markdown("")).append('\n');
        throughputSection();
        tuningSection();
        relaySection();
        sessionsSection();
        line("");
        out.append(LocalReport.keep(previous));
        int at = previous.indexOf(ANALYSIS);
        if (at >= 0) {
            out.append(previous.substring(at));
        } else {
            line(ANALYSIS);
            line("");
            line("## Analysis");
            line("");
            line("(not written yet)");
        }
        return out.toString();
    }

    private FanOutBenchmark.Run project() {
        return runs.stream().filter(run -> run.variant() == FanOutBenchmark.PROJECT).findFirst().orElseThrow();
    }

    private void targets() {
        line("## Targets");
        line("");
        line("| # | target | measured | met |");
        line("|---|---|---|---|");
        Samples system = project().samples();
        double p50Over = system.p50() - parallel.p50();
        double p99Over = system.p99() - parallel.p99();
        line("| 1 | fan-out overhead over the in-process parallel floor: ≤ 5 ms at p50, ≤ 25 ms at p99 | p50 +"
                + fmt(p50Over) + ", p99 +" + fmt(p99Over) + " (" + system.failures() + " failed of "
                + (system.count() + system.failures()) + ") | " + verdict(p50Over, 5) + " p50, " + verdict(p99Over, 25)
                + " p99 |");
        RelayBenchmark.Pair fifty = relay.overhead().getLast();
        double added = fifty.gateway().latency().p99() - fifty.direct().latency().p99();
        line("| 2 | relay: ≤ 2 ms added at p99 with " + fifty.sessions() + " sessions | +" + fmt(added) + " (p99 "
                + fmt(fifty.gateway().latency().p99()) + " through the gateway vs " + fmt(fifty.direct().latency().p99())
                + " direct) | " + verdict(added, 2) + " |");
        RealtimeLoad.Result many = relay.concurrent().gateway();
        long errors = many.errors() + many.connectFailures();
        long failedSessions = many.sessionsWithErrors() + many.connectFailures();
        double kib = relay.heap().gatewayBytesPerSession() / 1024;
        line("| 3 | " + relay.concurrent().sessions()
                + " sessions: p99 < 20 ms, no errors, < 100 KiB heap per idle session | p99 "
                + fmt(many.latency().p99()) + ", " + errors + " errors in " + failedSessions + " sessions, " + String.format(Locale.ROOT, "%.1f", kib)
                + " KiB per idle session, " + String.format(Locale.ROOT, "%.2f", many.cpuCores())
                + " cores (whole JVM) | " + verdict(many.latency().p99(), 20) + " latency, "
                + (errors == 0 ? "met" : "**missed**") + " errors, " + verdict(kib, 100) + " heap |");
        FanOutBenchmark.Step best = sustained(FanOutBenchmark.PROJECT);
        FanOutBenchmark.Step shortRetention = sustained(FanOutBenchmark.PROJECT_SHORT_RETENTION);
        line("| 4 | manager throughput with instant agents while p99 < 50 ms | " + describe(best)
                + " (with manager.closed-retention=5s: " + describe(shortRetention) + ") | measured (no fixed target) |");
        line("| 5 | Kafka client settings before/after on target 1 | see the tuning table | recorded |");
        line("");
    }

    private static String describe(FanOutBenchmark.Step step) {
        return step == null ? "none of the offered rates" : step.offeredPerSecond() + " tasks/s offered, "
                + String.format(Locale.ROOT, "%.0f", step.achievedPerSecond()) + " completed/s, p99 "
                + fmt(step.samples().p99());
    }

    /** The highest offered rate whose p99 stayed under 50 ms with no failures and ≥ 95 % completed. */
    private FanOutBenchmark.Step sustained(FanOutBenchmark.Variant variant) {
        FanOutBenchmark.Step best = null;
        for (FanOutBenchmark.Step step : steps) {
            if (step.variant().equals(variant.name()) && step.samples().p99() < 50 && step.samples().failures() == 0
                    && step.achievedPerSecond() >= 0.95 * step.offeredPerSecond()) {
                best = step;
            }
        }
        return best;
    }

    private void fanOutSection() {
        line("## 1. Fan-out through Kafka vs in-process");
        line("");
        line("Three agent services whose work is a fixed delay (" + fanOut.agentDelays() + "), the real manager "
                + "(local planner, which routes the request to all three by vocabulary) and a real broker. Latency is "
                + "from just before the task is published on agent-tasks to the moment the result is polled from "
                + "agent-results, by a client that does on Kafka what the gateway does. " + sizes.tasks()
                + " measured tasks per row after " + sizes.warmupTasks() + " warm-up tasks, " + fanOut.inFlight()
                + " in flight at a time (closed loop), each in-flight slot pinned to its own partition (task ids are "
                + "chosen by the partitioner's hash) and the agents run one listener thread per partition "
                + "(`agent.concurrency=6`), as before the SDK ran several subtasks at once (`agent.max-in-flight`), "
                + "so the rows compare with earlier runs. "
                + "A task counts only when its result has three `answered` outcomes. Baselines call the same `Agent` "
                + "beans in this JVM, " + sizes.baselineConcurrency() + " tasks at a time (they only sleep).");
        line("");
        line("| path | n | failed | p50 | p90 | p99 | max | p50 over floor | p99 over floor | p50 ÷ floor | p50 ÷ sequential |");
        line("|---|---|---|---|---|---|---|---|---|---|---|");
        row("in-process, parallel (the floor)", parallel);
        row("in-process, one after another (sequential supervisor)", sequential);
        for (FanOutBenchmark.Run run : runs) {
            row("Kafka, " + run.variant().name(), run.samples());
        }
        for (FanOutBenchmark.Run run : runs) {
            if (!run.failureReasons().isEmpty()) {
                line("");
                line("Failures with " + run.variant().name() + ": " + run.failureReasons());
            }
        }
        line("");
    }

    private void row(String name, Samples s) {
        line("| " + name + " | " + s.count() + " | " + s.failures() + " | " + fmt(s.p50()) + " | " + fmt(s.p90()) + " | "
                + fmt(s.p99()) + " | " + fmt(s.max()) + " | " + signed(s.p50() - parallel.p50()) + " | "
                + signed(s.p99() - parallel.p99()) + " | " + ratio(s.p50(), parallel.p50()) + " | "
                + ratio(s.p50(), sequential.p50()) + " |");
    }

    private void throughputSection() {
        line("## 4. Manager throughput (instant agents)");
        line("");
        line("Project settings, and the same with `manager.closed-retention=5s`; the three agents answer at once, the "
                + "manager starts with an empty store, and a 3 s unrecorded warm-up step precedes the ladder. Tasks are published at a fixed rate (open loop, "
                + "random task ids) for " + sizes.throughputStep().toSeconds() + " s per step; the ladder stops at the "
                + "first step whose p99 exceeds 500 ms. Sustained = the highest offered rate with p99 < 50 ms, no failed "
                + "task and at least 95 % of the offered rate completed.");
        line("");
        line("| settings | offered tasks/s | completed tasks/s | n | failed | p50 | p90 | p99 | max | p99 < 50 ms |");
        line("|---|---|---|---|---|---|---|---|---|---|");
        for (FanOutBenchmark.Step step : steps) {
            Samples s = step.samples();
            line("| " + step.variant() + " | " + step.offeredPerSecond() + " | " + String.format(Locale.ROOT, "%.0f", step.achievedPerSecond())
                    + " | " + s.count() + " | " + s.failures() + " | " + fmt(s.p50()) + " | " + fmt(s.p90()) + " | "
                    + fmt(s.p99()) + " | " + fmt(s.max()) + " | " + (s.p99() < 50 ? "yes" : "no") + " |");
        }
        line("");
        line("Sustained with project settings: **" + describe(sustained(FanOutBenchmark.PROJECT))
                + "**; with manager.closed-retention=5s: **" + describe(sustained(FanOutBenchmark.PROJECT_SHORT_RETENTION))
                + "**.");
        line("");
    }

    private void tuningSection() {
        line("## 5. Kafka client settings on target 1");
        line("");
        line("Same workload as target 1, same run; only the Kafka client settings differ. The manager keeps its "
                + "`commit.interval.ms=100` in every row and starts with an empty task store; the broker is the same "
                + "(`group.coordinator.append.linger.ms=0`). The last row changes a manager setting, not a Kafka one.");
        line("");
        line("| settings | what is set | p50 | p99 | p50 over floor | p99 over floor |");
        line("|---|---|---|---|---|---|");
        for (FanOutBenchmark.Run run : runs) {
            Samples s = run.samples();
            line("| " + run.variant().name() + " | " + run.variant().settings() + " | " + fmt(s.p50()) + " | "
                    + fmt(s.p99()) + " | " + signed(s.p50() - parallel.p50()) + " | " + signed(s.p99() - parallel.p99())
                    + " |");
        }
        line("");
    }

    private void relaySection() {
        line("## 2. Relay overhead: direct vs through the gateway");
        line("");
        line("A purpose-built upstream (embedded Tomcat, `DeltaUpstream`) answers every `input_audio_buffer.append` "
                + "with one `response.output_audio.delta` of 20 ms PCM16 24 kHz audio (960 bytes, 1,280 base64 chars) "
                + "stamped with `System.nanoTime()` just before it is written. Each client session sends an append every "
                + "20 ms and measures every delta's one-way latency upstream → client. Same upstream, same client code "
                + "(`java.net.http` WebSocket), connected directly or through the gateway (in-process, its own "
                + "application.yml, upstream URL pointing at the stand-in; shipped settings except "
                + "`gateway.access.max-sessions-per-client=" + Services.MAX_SESSIONS_FROM_LOAD_GENERATOR
                + "`, because every session comes from 127.0.0.1, and `gateway.capacity.max-cpu=1.0` (the capacity "
                + "guard off), because the JVM's CPU it reads is the load generator's and the upstream's too). "
                + sizes.relayMeasure().toSeconds()
                + " s measured per row after " + sizes.relayWarmup().toSeconds() + " s of warm-up.");
        line("");
        line("| sessions | path | deltas | errors (sessions) | p50 | p90 | p99 | max | added p50 | added p99 | p99 ratio |");
        line("|---|---|---|---|---|---|---|---|---|---|---|");
        for (RelayBenchmark.Pair pair : relay.overhead()) {
            relayRows(pair);
        }
        line("");
    }

    private void relayRows(RelayBenchmark.Pair pair) {
        Samples d = pair.direct().latency();
        Samples g = pair.gateway().latency();
        line("| " + pair.sessions() + " | direct | " + d.count() + " | " + errors(pair.direct()) + " | " + fmt(d.p50())
                + " | " + fmt(d.p90()) + " | " + fmt(d.p99()) + " | " + fmt(d.max()) + " | | | |");
        line("| " + pair.sessions() + " | gateway | " + g.count() + " | " + errors(pair.gateway()) + " | " + fmt(g.p50())
                + " | " + fmt(g.p90()) + " | " + fmt(g.p99()) + " | " + fmt(g.max()) + " | " + signed(g.p50() - d.p50())
                + " | " + signed(g.p99() - d.p99()) + " | " + ratio(g.p99(), d.p99()) + " |");
    }

    private static String errors(RealtimeLoad.Result result) {
        return (result.errors() + result.connectFailures()) + " (" + (result.sessionsWithErrors()
                + result.connectFailures()) + ")";
    }

    private void sessionsSection() {
        RelayBenchmark.Pair pair = relay.concurrent();
        RelayBenchmark.Heap heap = relay.heap();
        line("## 3. " + pair.sessions() + " concurrent realtime sessions");
        line("");
        line("Each session sends 20 ms of audio every 20 ms (appends staggered across sessions) and receives one "
                + "audio delta per append: " + pair.sessions() * 50 + " events/s each way. " + sizes.concurrentMeasure().toSeconds() + " s"
                + " measured after " + sizes.relayWarmup().toSeconds() + " s of warm-up; the same load straight to the "
                + "upstream is the baseline. CPU is the whole JVM's CPU time over wall time (broker, upstream, load "
                + "generator and, in the gateway row, the gateway), in cores of " + machine.get("availableProcessors") + ".");
        line("");
        line("| path | sessions | appends sent | deltas | errors | sessions with errors | skipped sends | p50 | p90 | p99 | max | CPU cores |");
        line("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (var entry : List.of(Map.entry("direct", pair.direct()), Map.entry("gateway", pair.gateway()))) {
            RealtimeLoad.Result r = entry.getValue();
            Samples s = r.latency();
            line("| " + entry.getKey() + " | " + r.sessions() + " | " + r.appendsSent() + " | " + r.deltasReceived()
                    + " | " + r.errors() + " | " + r.sessionsWithErrors() + " (+" + r.connectFailures()
                    + " not connected) | " + r.sendBacklog() + " | "
                    + fmt(s.p50()) + " | " + fmt(s.p90()) + " | " + fmt(s.p99()) + " | " + fmt(s.max()) + " | "
                    + String.format(Locale.ROOT, "%.2f", r.cpuCores()) + " |");
        }
        line("");
        line("Heap per idle session: heap used after three `System.gc()` with the sessions open, minus before they "
                + "opened, divided by the sessions open. The direct path holds the load generator's client and the "
                + "upstream's side of each session; through the gateway it adds the gateway's client socket and its "
                + "upstream client; the gateway's share is the difference.");
        line("");
        line("| path | sessions open | KiB per session | gateway's share, KiB per session |");
        line("|---|---|---|---|");
        line("| " + heap.direct().path() + " | " + heap.direct().connected() + " | "
                + RelayBenchmark.kib(heap.direct().bytesPerSession()) + " | |");
        line("| " + heap.gateway().path() + " | " + heap.gateway().connected() + " | "
                + RelayBenchmark.kib(heap.gateway().bytesPerSession()) + " | **"
                + RelayBenchmark.kib(heap.gatewayBytesPerSession()) + "** |");
        line("");
        line("Per class, per session: `benchmarks/target/heap-per-session-*.txt` (class-histogram deltas).");
        line("");
    }

    private static String verdict(double value, double limit) {
        if (Double.isNaN(value)) {
            return "**not measured**";
        }
        return value <= limit ? "met" : "**missed by " + fmt(value - limit) + "**";
    }

    private static String signed(double value) {
        return Double.isNaN(value) ? "n/a" : (value >= 0 ? "+" : "") + fmt(value);
    }

    private static String ratio(double value, double base) {
        return Double.isNaN(value) || base <= 0 ? "n/a" : String.format(Locale.ROOT, "%.2f×", value / base);
    }

    private void line(String text) {
        out.append(text).append('\n');
    }
}
