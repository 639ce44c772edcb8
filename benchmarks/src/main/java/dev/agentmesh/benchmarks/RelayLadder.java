package dev.agentmesh.benchmarks;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The relay measured with the gateway in a process of its own: the gateway's exec jar pinned to one core
 * ({@code taskset -c 0}), this JVM (load generator, {@link DeltaUpstream}, broker) pinned to the other by run.sh.
 * For each gateway build (variant), each measuring side ({@link RelayLoad}: load generator and upstream) and each
 * session count: the same load straight to the upstream, then through the gateway, with the gateway's CPU read from
 * /proc. Also the gateway's live heap per idle session (with the first measuring side).
 */
final class RelayLadder {

    private static final Logger log = LoggerFactory.getLogger(RelayLadder.class);
    /** A step this far over the direct p99 ends the variant's ladder: the next, larger one would only be worse. */
    private static final double GIVE_UP_ADDED_P99_MS = 2_000;

    /**
     * One gateway: its exec jar, what it is, and the properties it starts with on top of the benchmark's (for
     * example {@code gateway.upstream.client=netty}: the same build with another upstream client).
     */
    record Variant(String label, String description, Path jar, List<String> jvmFlags, List<String> properties) {

        Variant(String label, String description, Path jar, List<String> properties) {
            this(label, description, jar, List.of(), properties);
        }
    }

    /**
     * One session count on one variant.
     *
     * @param readiness the gateway's readiness probe status while the step's sessions were open (200 or 503)
     * @param kernelShare of the gateway's CPU time over the step (warm-up and measured window), the part spent in
     *                    the kernel (stime); NaN on direct-only rows
     */
    record Step(String variant, RelayLoad load, int sessions, RealtimeLoad.Result direct,
                RealtimeLoad.Result gateway, int readiness, double kernelShare) {

        double addedP99() {
            return gateway.latency().p99() - direct.latency().p99();
        }

        /** Every session open, no error event, no refused or failed connection, p99 added within 20 ms. */
        boolean held() {
            return gateway.connectFailures() == 0 && gateway.errors() == 0 && gateway.sessions() == sessions
                    && addedP99() <= 20;
        }
    }

    /** The gateway process's live heap with {@code connected} idle sessions open, minus with none, per session. */
    record IdleHeap(String variant, RelayLoad load, int sessions, int connected, double bytesPerSession) {
    }

    record Results(List<Variant> variants, List<RelayLoad> loads, List<Step> steps, List<IdleHeap> heap,
                   List<Integer> ladder, Duration warmup, Duration measure, String gatewayCores,
                   List<String> jvmFlags) {
    }

    /**
     * Only the direct path, for each measuring side and session count, with no gateway: what the measuring side
     * itself holds, all the way up the ladder (the gateway's ladder ends where the gateway gives up).
     */
    List<Step> direct(List<RelayLoad> loads, List<Integer> ladder, Duration warmup, Duration measure)
            throws Exception {
        List<Step> steps = new ArrayList<>();
        for (RelayLoad load : loads) {
            try (RelayUpstream upstream = load.upstream()) {
                // JIT warm-up; not recorded
                measure(load, upstream.url(), 50, Duration.ofSeconds(3), Duration.ofSeconds(1), null);
                for (int sessions : ladder) {
                    RealtimeLoad.Result direct = measure(load, upstream.url(), sessions, warmup, measure, null);
                    steps.add(new Step("direct only", load, sessions, direct, null, 0, Double.NaN));
                    log.info("direct only (load {}) x{}: {}, sends late {}, skipped {}, load JVM {} cores, {} µs per "
                                    + "frame", load.label(), sessions, direct.latency(), direct.sendLateness(),
                            direct.sendBacklog(), String.format("%.2f", direct.cpuCores()),
                            String.format("%.1f", direct.loadMicrosPerFrame()));
                    Thread.sleep(2_000);
                }
            }
        }
        return steps;
    }

    private final String bootstrapServers;
    private final Path logs;
    private final boolean flightRecording;

    RelayLadder(String bootstrapServers, Path logs, boolean flightRecording) {
        this.bootstrapServers = bootstrapServers;
        this.logs = logs;
        this.flightRecording = flightRecording;
    }

    /**
     * Runs every variant's heap step (with the first of {@code loads}) and, unless {@code heapOnly}, its ladder with
     * each of {@code loads}, in a gateway process of its own per load (its upstream URL is fixed at start).
     */
    Results run(List<Variant> variants, List<RelayLoad> loads, List<Integer> ladder, int idleSessions,
                Duration warmup, Duration measure, String gatewayCores, boolean heapOnly) throws Exception {
        List<Step> steps = new ArrayList<>();
        List<IdleHeap> heaps = new ArrayList<>();
        for (Variant variant : variants) {
            for (RelayLoad load : heapOnly ? loads.subList(0, 1) : loads) {
                boolean first = load == loads.getFirst();
                try (RelayUpstream upstream = load.upstream()) {
                    ladder(variant, load, upstream, first ? idleSessions : 0, ladder, heapOnly, warmup, measure,
                            gatewayCores, steps, heaps);
                }
            }
        }
        return new Results(variants, loads, steps, heaps, ladder, warmup, measure, gatewayCores,
                GatewayProcess.JVM_FLAGS);
    }

    private void ladder(Variant variant, RelayLoad load, RelayUpstream upstream, int idleSessions,
                        List<Integer> ladder, boolean heapOnly, Duration warmup, Duration measure, String gatewayCores,
                        List<Step> steps, List<IdleHeap> heaps) throws Exception {
        List<String> flags = new ArrayList<>(GatewayProcess.JVM_FLAGS);
        flags.addAll(variant.jvmFlags());
        // extra gateway JVM flags for an experiment (-Dbenchmarks.gateway-flags="-Dx=y -Dz=w")
        flags.addAll(List.of(System.getProperty("benchmarks.gateway-flags", "").split(" ")).stream()
                .filter(flag -> !flag.isBlank()).toList());
        String name = fileName(variant) + "-" + load.label();
        try (GatewayProcess gateway = GatewayProcess.start(variant.label(), variant.jar(), gatewayCores, flags,
                properties(upstream.url(), variant), logs.resolve("gateway-" + name + ".log"))) {
            // JIT warm-up of both paths; not recorded
            measure(load, gateway.relayUrl(), 50, Duration.ofSeconds(5), Duration.ofSeconds(2), null);
            measure(load, upstream.url(), 50, Duration.ofSeconds(2), Duration.ofSeconds(1), null);
            if (idleSessions > 0) {
                heaps.add(idleHeap(variant, load, gateway, idleSessions));
            }
            for (int sessions : heapOnly ? List.<Integer>of() : ladder) {
                RealtimeLoad.Result direct = measure(load, upstream.url(), sessions, warmup, measure, null);
                RealtimeLoad.Result relayed;
                int readiness;
                double kernelShare;
                try (SessionLoad clients = load.connect(gateway.relayUrl(), sessions)) {
                    if (flightRecording) {
                        gateway.jcmd("JFR.start", "name=step", "settings=profile");
                    }
                    long[] before = gateway.userAndSystemNanos();
                    relayed = clients.run(warmup, measure, gateway::cpuNanos);
                    long[] after = gateway.userAndSystemNanos();
                    long user = after[0] - before[0];
                    long system = after[1] - before[1];
                    kernelShare = user + system == 0 ? Double.NaN : system / (double) (user + system);
                    readiness = gateway.status("/actuator/health/readiness");
                    if (flightRecording) {
                        gateway.jcmd("JFR.stop", "name=step", "filename=" + logs.resolve("gateway-"
                                + name + "-" + sessions + ".jfr"));
                    }
                }
                Step step = new Step(variant.label(), load, sessions, direct, relayed, readiness, kernelShare);
                steps.add(step);
                log.info("{} (load {}) x{}: direct {}, sends late p99 {} ms, load JVM {} cores | gateway {} "
                                + "| gateway {} cores ({} in the kernel), {} frames/s per core, errors {}, refused {}, "
                                + "falling_behind {}, readiness {}", variant.label(), load.label(), sessions,
                        direct.latency(), Samples.fmt(direct.sendLateness().p99()),
                        String.format("%.2f", direct.cpuCores()), relayed.latency(),
                        String.format("%.2f", relayed.gatewayCores()), String.format("%.0f %%", 100 * kernelShare),
                        Math.round(relayed.framesPerGatewayCore()), relayed.errors(), relayed.refused(),
                        relayed.fallingBehind(), readiness);
                Thread.sleep(2_000);
                if (!(step.addedP99() < GIVE_UP_ADDED_P99_MS)) {
                    log.info("{}: p99 added over {} ms at {} sessions; its ladder ends here", variant.label(),
                            GIVE_UP_ADDED_P99_MS, sessions);
                    break;
                }
            }
        }
    }

    /**
     * Shipped settings, except what one load generator on 127.0.0.1 needs: every session comes from one client,
     * which the per-client session cap and connect rate would otherwise stop.
     */
    private List<String> properties(String upstreamUrl, Variant variant) {
        List<String> properties = new ArrayList<>(List.of(
                "gateway.instance-id=gateway-bench-" + variant.label().replaceAll("[^A-Za-z0-9]+", "-"),
                "gateway.upstream.url=" + upstreamUrl,
                "gateway.upstream.api-key=sk-bench-key",
                "spring.kafka.bootstrap-servers=" + bootstrapServers,
                "gateway.access.max-sessions-per-client=" + Services.MAX_SESSIONS_FROM_LOAD_GENERATOR,
                "gateway.limits.connects-per-minute=" + Services.CONNECTS_PER_MINUTE_FROM_LOAD_GENERATOR));
        properties.addAll(variant.properties());
        return properties;
    }

    private static String fileName(Variant variant) {
        return variant.label().replaceAll("[^A-Za-z0-9]+", "-").replaceAll("-$", "");
    }

    private static IdleHeap idleHeap(Variant variant, RelayLoad load, GatewayProcess gateway, int sessions)
            throws Exception {
        String label = variant.label();
        // Anything initialised by a first session (handshake machinery, caches) is not a per-session cost.
        load.connect(gateway.relayUrl(), 5).close();
        Thread.sleep(1_000);
        String before = gateway.jcmd("GC.class_histogram");
        IdleHeap heap;
        try (SessionLoad idle = load.connect(gateway.relayUrl(), sessions)) {
            Thread.sleep(2_000);
            String after = gateway.jcmd("GC.class_histogram");
            heap = new IdleHeap(label, load, sessions, idle.connected(),
                    (GatewayProcess.total(after) - GatewayProcess.total(before)) / (double) Math.max(1, idle.connected()));
            java.nio.file.Files.writeString(Path.of(System.getProperty("benchmarks.root", "."), "benchmarks", "target",
                    "gateway-heap-per-session-" + fileName(variant) + ".txt"),
                    GatewayProcess.perSession(before, after, idle.connected()));
        }
        Thread.sleep(2_000);
        log.info("{}: gateway live heap per idle session {} KiB ({} of {} connected)", label,
                RelayBenchmark.kib(heap.bytesPerSession()), heap.connected(), sessions);
        return heap;
    }

    private static RealtimeLoad.Result measure(RelayLoad load, String url, int sessions, Duration warmup,
                                               Duration measure, java.util.function.LongSupplier gatewayCpu)
            throws InterruptedException {
        try (SessionLoad clients = load.connect(url, sessions)) {
            return clients.run(warmup, measure, gatewayCpu);
        }
    }
}
