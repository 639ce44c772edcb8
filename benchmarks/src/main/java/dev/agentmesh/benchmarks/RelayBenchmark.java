package dev.agentmesh.benchmarks;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Targets 2 and 3: the same purpose-built upstream ({@link DeltaUpstream}) reached directly and through the
 * gateway (started in-process with its own application.yml, upstream URL pointing at it), same run.
 */
final class RelayBenchmark {

    private static final Logger log = LoggerFactory.getLogger(RelayBenchmark.class);

    /** One session count, both paths. */
    record Pair(int sessions, RealtimeLoad.Result direct, RealtimeLoad.Result gateway) {
    }

    /**
     * Heap after a full GC with {@code sessions} idle sessions open, minus with none, per session. Through the
     * gateway that includes the load generator's and the upstream's share of each session, which the direct
     * measurement isolates; the difference is what the gateway holds per session.
     */
    record Heap(int sessions, int connectedDirect, int connectedGateway, double directBytesPerSession,
                double gatewayPathBytesPerSession) {

        double gatewayBytesPerSession() {
            return gatewayPathBytesPerSession - directBytesPerSession;
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
            ConfigurableApplicationContext gateway = services.gateway(upstream.url());
            try {
                String direct = upstream.url();
                String relayed = "ws://127.0.0.1:" + Services.port(gateway) + "/v1/realtime";
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
                double[] perSession = new double[2];
                int[] connected = new int[2];
                String[] urls = {direct, relayed};
                for (int i = 0; i < 2; i++) {
                    long before = usedHeapAfterGc();
                    try (RealtimeLoad idle = RealtimeLoad.connect(urls[i], concurrentSessions)) {
                        Thread.sleep(1_000);
                        connected[i] = idle.connected();
                        perSession[i] = (usedHeapAfterGc() - before) / (double) Math.max(1, idle.connected());
                    }
                    Thread.sleep(1_000);
                }
                Heap heap = new Heap(concurrentSessions, connected[0], connected[1], perSession[0], perSession[1]);
                log.info("heap per idle session: direct path {} KiB, through the gateway {} KiB, gateway's share {} KiB",
                        kib(heap.directBytesPerSession()), kib(heap.gatewayPathBytesPerSession()),
                        kib(heap.gatewayBytesPerSession()));
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
