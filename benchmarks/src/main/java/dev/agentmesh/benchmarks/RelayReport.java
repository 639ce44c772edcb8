package dev.agentmesh.benchmarks;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.agentmesh.benchmarks.Samples.fmt;

/**
 * benchmarks/RELAY.md from one {@code run.sh --relay} run. Everything above {@link Report#ANALYSIS} is generated;
 * the hand-written analysis below it is kept across runs.
 */
final class RelayReport {

    private final Map<String, Object> machine;
    private final OffsetDateTime started;
    private final Duration took;
    private final RelayLadder.Results results;
    private final String command;
    private final StringBuilder out = new StringBuilder();

    RelayReport(Map<String, Object> machine, OffsetDateTime started, Duration took, RelayLadder.Results results,
                String command) {
        this.machine = machine;
        this.started = started;
        this.took = took;
        this.results = results;
        this.command = command;
    }

    String markdown(String previous) {
        line("# Relay benchmark: the gateway in its own process, on one core");
        line("");
        line("`" + command + "` regenerates this file and `benchmarks/results/relay-<date>.json`. `./mvnw verify` runs "
                + "none of it.");
        line("");
        line("This run: code at commit `" + machine.get("gitCommit") + "`, started " + started.withNano(0) + ", took "
                + took.toSeconds() + " s, on " + Machine.summary(machine) + " (cores as this pinned JVM sees them). "
                + "Load average (whole machine, shared with "
                + "other work) at start " + String.format(Locale.ROOT, "%.2f", (Double) machine.get("loadAverageAtStart"))
                + ", at end " + String.format(Locale.ROOT, "%.2f", (Double) machine.get("loadAverageAtEnd")) + ".");
        line("");
        line("**Two processes.** The gateway runs from its exec jar in a JVM of its own pinned to core "
                + results.gatewayCores() + " (`taskset -c " + results.gatewayCores() + "`, flags `"
                + String.join(" ", results.jvmFlags()) + "`, shipped application.yml; only "
                + "`gateway.access.max-sessions-per-client` and `gateway.limits.connects-per-minute` are raised, because "
                + "every session comes from one load generator on 127.0.0.1). The measuring side, a load generator and a "
                + "purpose-built upstream, and the in-process broker share another JVM pinned to the other core (the Netty "
                + "sockets of generator and upstream on one event loop, " + RelayEventLoop.transport() + " transport). Each "
                + "session sends a 20 ms `input_audio_buffer.append` (1,280 base64 chars) every "
                + "20 ms, and the upstream answers each with one `response.output_audio.delta` of the same size stamped "
                + "with `System.nanoTime()`: 50 frames a second each way per session, each session from its own phase "
                + "(i × 20 ms ÷ n). Latency is that delta's one-way "
                + "time upstream → client; the same sessions straight to the upstream, measured just before, are the "
                + "baseline (they show what the load generator itself adds). Gateway CPU is utime+stime from "
                + "`/proc/<pid>/stat` over the measured window; frames per core = 2 × deltas received (each is one append "
                + "relayed up and one delta relayed down) ÷ seconds ÷ gateway cores. The measuring side's own figures: "
                + "*sends late* is how long after its due time in that real-time schedule each append was written (the "
                + "schedule never shifts to hide it), *skipped* the appends not sent because the session's socket still "
                + "held earlier ones, *load JVM cores* the CPU of the measuring JVM (generator, upstream, broker) over "
                + "wall time, and that CPU per append sent or delta received (a unit of work: comparable between "
                + "generators even on a loaded machine): on the direct rows they show whether the measuring side, not "
                + "the gateway, was the limit. "
                + results.warmup().toSeconds() + " s warm-up, " + results.measure().toSeconds() + " s measured per row; "
                + "all times in ms, nearest-rank percentiles over every sample.");
        line("");
        line("Gateway builds compared, each run alone on its core:");
        line("");
        for (RelayLadder.Variant variant : results.variants()) {
            line("- `" + variant.label() + "`: " + variant.description());
        }
        line("");
        line("Measuring sides (`--load`), each with a gateway process of its own:");
        line("");
        for (RelayLoad load : results.loads()) {
            line("- `" + load.label() + "`: " + load.description());
        }
        line("");
        held();
        ladder();
        heap();
        line("");
        int at = previous.indexOf(Report.ANALYSIS);
        if (at >= 0) {
            out.append(previous.substring(at));
        } else {
            line(Report.ANALYSIS);
            line("");
            line("## Analysis");
            line("");
            line("(not written yet)");
        }
        return out.toString();
    }

    private void held() {
        line("## Summary");
        line("");
        line("| gateway | load | sessions held on one core (p99 added ≤ 20 ms, no errors, none refused) | frames/s per "
                + "gateway core (best step) | µs gateway CPU per relayed frame (first step) | gateway heap per idle "
                + "session, KiB | direct p99 at each step | direct sends late p99, worst step |");
        line("|---|---|---|---|---|---|---|---|");
        for (RelayLadder.Variant variant : results.variants()) {
            for (RelayLoad load : results.loads()) {
                List<RelayLadder.Step> steps = results.steps().stream()
                        .filter(step -> step.variant().equals(variant.label()) && step.load() == load).toList();
                if (steps.isEmpty()) {
                    continue;
                }
                int held = steps.stream().filter(RelayLadder.Step::held).mapToInt(RelayLadder.Step::sessions).max()
                        .orElse(0);
                double frames = steps.stream().mapToDouble(step -> step.gateway().framesPerGatewayCore())
                        .filter(Double::isFinite).max().orElse(Double.NaN);
                double cpuPerFrame = 1e6 / steps.getFirst().gateway().framesPerGatewayCore();
                String heap = results.heap().stream()
                        .filter(h -> h.variant().equals(variant.label()) && h.load() == load).findFirst()
                        .map(h -> RelayBenchmark.kib(h.bytesPerSession())).orElse("");
                String directP99 = steps.stream()
                        .map(step -> step.sessions() + ": " + fmt(step.direct().latency().p99()))
                        .collect(Collectors.joining(", "));
                double late = steps.stream().mapToDouble(step -> step.direct().sendLateness().p99())
                        .filter(Double::isFinite).max().orElse(Double.NaN);
                line("| " + variant.label() + " | " + load.label() + " | "
                        + (held == 0 ? "none of the steps" : String.valueOf(held)) + " | "
                        + String.format(Locale.ROOT, "%,.0f", frames) + " | "
                        + String.format(Locale.ROOT, "%.1f", cpuPerFrame) + " | " + heap + " | " + directP99 + " | "
                        + fmt(late) + " |");
            }
        }
        line("");
    }

    private void ladder() {
        line("## Ladder");
        line("");
        line("| gateway | load | sessions | path | appends sent | deltas | errors (sessions) | refused (503) "
                + "| falling_behind | p50 | p90 | p99 | max | sends late p99 | sends late max | skipped | load JVM cores "
                + "| load JVM µs CPU per frame sent or received | added p99 | gateway cores | frames/s per gateway core | µs CPU per frame | of it in the kernel | readiness |");
        line("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (RelayLadder.Step step : results.steps()) {
            RealtimeLoad.Result d = step.direct();
            RealtimeLoad.Result g = step.gateway();
            String row = "| " + step.variant() + " | " + step.load().label() + " | " + step.sessions() + " | ";
            line(row + "direct | " + d.appendsSent() + " | " + d.deltasReceived() + " | " + errors(d) + " | "
                    + d.refused() + " | | " + latency(d.latency()) + " | " + measuringSide(d) + " | | | | | | |");
            line(row + "gateway | " + g.appendsSent() + " | " + g.deltasReceived() + " | " + errors(g) + " | "
                    + g.refused() + " | " + g.fallingBehind() + " | " + latency(g.latency()) + " | " + measuringSide(g)
                    + " | " + (step.addedP99() >= 0 ? "+" : "") + fmt(step.addedP99()) + " | "
                    + String.format(Locale.ROOT, "%.2f", g.gatewayCores()) + " | "
                    + String.format(Locale.ROOT, "%,.0f", g.framesPerGatewayCore()) + " | "
                    + String.format(Locale.ROOT, "%.1f", 1e6 / g.framesPerGatewayCore()) + " | "
                    + (Double.isNaN(step.kernelShare()) ? "" : String.format(Locale.ROOT, "%.0f %%",
                    100 * step.kernelShare())) + " | "
                    + (step.readiness() == 200 ? "ready" : step.readiness() == 503 ? "**unready**"
                    : step.readiness() < 0 ? "no answer in 5 s" : String.valueOf(step.readiness()))
                    + " |");
        }
        line("");
    }

    private void heap() {
        line("## Heap per idle session");
        line("");
        line("The gateway process's live heap (`jcmd <pid> GC.class_histogram` total, which runs a full GC first) with "
                + "the sessions open and greeted, minus before they opened, divided by the sessions open. Only the "
                + "gateway's own objects count: the load generator and the upstream live in the other process. By "
                + "class: `benchmarks/target/gateway-heap-per-session-<gateway>.txt`.");
        line("");
        line("| gateway | load | sessions open | KiB per session |");
        line("|---|---|---|---|");
        for (RelayLadder.IdleHeap heap : results.heap()) {
            line("| " + heap.variant() + " | " + heap.load().label() + " | " + heap.connected() + " of "
                    + heap.sessions() + " | "
                    + RelayBenchmark.kib(heap.bytesPerSession()) + " |");
        }
        line("");
    }

    private static String measuringSide(RealtimeLoad.Result result) {
        return fmt(result.sendLateness().p99()) + " | " + fmt(result.sendLateness().max()) + " | "
                + result.sendBacklog() + " | " + String.format(Locale.ROOT, "%.2f", result.cpuCores()) + " | "
                + String.format(Locale.ROOT, "%.1f", result.loadMicrosPerFrame());
    }

    private static String errors(RealtimeLoad.Result result) {
        return (result.errors() + result.connectFailures()) + " (" + (result.sessionsWithErrors()
                + result.connectFailures()) + ")";
    }

    private static String latency(Samples s) {
        return fmt(s.p50()) + " | " + fmt(s.p90()) + " | " + fmt(s.p99()) + " | " + fmt(s.max());
    }

    private void line(String text) {
        out.append(text).append('\n');
    }
}
