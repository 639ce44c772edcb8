package dev.agentmesh.benchmarks;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Targets 2 and 3: the same purpose-built upstream ({@link DeltaUpstream}) reached directly and through the
 * gateway (started in-process with its own application.yml, upstream URL pointing at it), same run.
 *
 * <p>The gateway runs with its shipped settings, except {@code gateway.access.max-sessions-per-client}: every
 * benchmark session comes from 127.0.0.1.
 */
final class RelayBenchmark {

    private static final Logger log = LoggerFactory.getLogger(RelayBenchmark.class);

    /** One session count, both paths. */
    record Pair(int sessions, RealtimeLoad.Result direct, RealtimeLoad.Result gateway) {
    }

    /** Heap after a full GC with idle sessions open, minus with none, per open session. */
    record IdleHeap(String path, int sessions, int connected, double bytesPerSession) {
    }

    /**
     * Through the gateway the heap includes the load generator's and the upstream's share of each session, which
     * the direct measurement isolates; the difference is what the gateway holds per session.
     */
    record Heap(IdleHeap direct, IdleHeap gateway) {

        double gatewayBytesPerSession() {
            return gateway.bytesPerSession() - direct.bytesPerSession();
        }
    }

    record Results(List<Pair> overhead, Heap heap, Pair concurrent) {
    }

    private final Services services;

    RelayBenchmark(Services services) {
        this.services = services;
    }

    Results run(List<Integer> overheadSessions, int concurrentSessions, Duration warmup, Duration measure,
                Duration concurrentMeasure) throws Exception {
        try (DeltaUpstream upstream = new DeltaUpstream()) {
            String direct = upstream.url();
            ConfigurableApplicationContext gateway = services.gateway(upstream.url(), List.of());
            try {
                String relayed = relayUrl(gateway);
                // Warm both paths' code (JIT) before anything is recorded.
                measure(relayed, 10, Duration.ofSeconds(2), Duration.ofSeconds(1));
                measure(direct, 10, Duration.ofSeconds(2), Duration.ofSeconds(1));
                List<Pair> overhead = new ArrayList<>();
                for (int sessions : overheadSessions) {
                    RealtimeLoad.Result viaDirect = measure(direct, sessions, warmup, measure);
                    RealtimeLoad.Result viaGateway = measure(relayed, sessions, warmup, measure);
                    overhead.add(new Pair(sessions, viaDirect, viaGateway));
                    log.info("relay {} sessions: direct {} | gateway {}", sessions, viaDirect.latency(),
                            viaGateway.latency());
                }
                Heap heap = new Heap(idleHeap("direct", direct, concurrentSessions),
                        idleHeap("gateway", relayed, concurrentSessions));
                log.info("heap per idle session: direct path {} KiB; gateway's share {} KiB",
                        kib(heap.direct().bytesPerSession()), kib(heap.gatewayBytesPerSession()));
                RealtimeLoad.Result manyDirect = measure(direct, concurrentSessions, warmup, concurrentMeasure);
                RealtimeLoad.Result manyGateway = measure(relayed, concurrentSessions, warmup, concurrentMeasure);
                log.info("{} sessions: direct {} cpu {} cores | gateway {} cpu {} cores, errors {}", concurrentSessions,
                        manyDirect.latency(), String.format("%.2f", manyDirect.cpuCores()), manyGateway.latency(),
                        String.format("%.2f", manyGateway.cpuCores()), manyGateway.errors());
                return new Results(overhead, heap, new Pair(concurrentSessions, manyDirect, manyGateway));
            } finally {
                gateway.close();
            }
        }
    }

    private static String relayUrl(ConfigurableApplicationContext gateway) {
        return "ws://127.0.0.1:" + Services.port(gateway) + "/v1/realtime";
    }

    private static IdleHeap idleHeap(String path, String url, int sessions) throws InterruptedException {
        // Anything initialised by a first session (handshake machinery, caches) is not a per-session cost.
        RealtimeLoad.connect(url, 5).close();
        Thread.sleep(500);
        Map<String, Long> classesBefore = histogram();
        long before = usedHeapAfterGc();
        IdleHeap heap;
        try (RealtimeLoad idle = RealtimeLoad.connect(url, sessions)) {
            Thread.sleep(1_000);
            heap = new IdleHeap(path, sessions, idle.connected(),
                    (usedHeapAfterGc() - before) / (double) Math.max(1, idle.connected()));
            saveHistogramDelta(path, classesBefore, histogram(), idle.connected());
        }
        Thread.sleep(1_000);
        log.info("idle heap, {}: {} KiB per session ({} of {} connected)", path, kib(heap.bytesPerSession()),
                heap.connected(), sessions);
        return heap;
    }

    /** Live bytes per class (a full GC first), from the JVM's class histogram. */
    private static Map<String, Long> histogram() {
        Map<String, Long> bytes = new HashMap<>();
        try {
            Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            for (String line : text.toString().lines().toList()) {
                String[] columns = line.trim().split("\\s+");
                if (columns.length >= 4 && columns[0].endsWith(":")) {
                    bytes.put(columns[3], Long.parseLong(columns[2]));
                }
            }
        } catch (Exception e) {
            log.warn("no class histogram: {}", e.toString());
        }
        return bytes;
    }

    /** What the open sessions hold, by class, per session: benchmarks/target/heap-per-session-<path>.txt. */
    private static void saveHistogramDelta(String path, Map<String, Long> before, Map<String, Long> after,
                                           int sessions) {
        StringBuilder report = new StringBuilder("bytes per session, by class (" + path + ", " + sessions
                + " idle sessions)\n");
        after.entrySet().stream()
                .map(entry -> Map.entry(entry.getKey(), entry.getValue() - before.getOrDefault(entry.getKey(), 0L)))
                .filter(entry -> entry.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(40)
                .forEach(entry -> report.append(String.format(Locale.ROOT, "%10d  %s%n",
                        entry.getValue() / Math.max(1, sessions), entry.getKey())));
        Path file = Path.of(System.getProperty("benchmarks.root", "."), "benchmarks", "target",
                "heap-per-session-" + path.replaceAll("[^A-Za-z0-9]+", "-") + ".txt");
        try {
            Files.writeString(file, report);
        } catch (IOException e) {
            log.warn("could not write {}: {}", file, e.toString());
        }
    }

    private static RealtimeLoad.Result measure(String url, int sessions, Duration warmup, Duration measure)
            throws InterruptedException {
        try (RealtimeLoad load = RealtimeLoad.connect(url, sessions)) {
            return load.run(warmup, measure);
        }
    }

    static long usedHeapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    static String kib(double bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1024);
    }
}
