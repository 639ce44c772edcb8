package dev.agentmesh.benchmarks;

import dev.agentmesh.testing.TestKafka;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs every benchmark side by side in one JVM against an in-process KRaft broker and writes
 * benchmarks/RESULTS.md and benchmarks/results/machine-&lt;date&gt;.json. {@code --quick} uses small sizes.
 */
public final class Benchmarks {

    private static final Logger log = LoggerFactory.getLogger(Benchmarks.class);

    /** Sizes of one run. */
    record Sizes(String mode, int tasks, int warmupTasks, int inFlight, int baselineConcurrency,
                 List<Integer> throughputRates, Duration throughputStep, List<Integer> relaySessions,
                 int concurrentSessions, Duration relayWarmup, Duration relayMeasure, Duration concurrentMeasure) {

        static Sizes full() {
            return new Sizes("full", 2000, 100, 4, 16, List.of(50, 100, 150, 200, 300, 400, 600), Duration.ofSeconds(10),
                    List.of(1, 50), 500, Duration.ofSeconds(3), Duration.ofSeconds(20), Duration.ofSeconds(30));
        }

        static Sizes quick() {
            return new Sizes("quick", 100, 20, 4, 16, List.of(50, 150), Duration.ofSeconds(3),
                    List.of(1, 10), 50, Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(3));
        }
    }

    private Benchmarks() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        Sizes sizes = quick ? Sizes.quick() : Sizes.full();
        Path root = Path.of(System.getProperty("benchmarks.root", ".")).toAbsolutePath().normalize();
        Map<String, Object> machine = Machine.describe();
        OffsetDateTime started = OffsetDateTime.now(ZoneOffset.UTC);
        log.info("{} run on {}", sizes.mode(), Machine.summary(machine));

        long brokerStart = System.nanoTime();
        String bootstrap = TestKafka.bootstrapServers();
        log.info("broker {} ready in {} ms", bootstrap, (System.nanoTime() - brokerStart) / 1_000_000);
        Services services = new Services(root, bootstrap);

        FanOutBenchmark fanOut = new FanOutBenchmark(services, sizes.tasks(), sizes.warmupTasks(), sizes.inFlight());
        Samples parallel = fanOut.inProcess(true, sizes.baselineConcurrency());
        log.info("in-process parallel: {}", parallel);
        Samples sequential = fanOut.inProcess(false, sizes.baselineConcurrency());
        log.info("in-process sequential: {}", sequential);
        List<FanOutBenchmark.Step> steps = new ArrayList<>();
        List<FanOutBenchmark.Run> runs = new ArrayList<>();
        runs.add(fanOut.throughKafka(FanOutBenchmark.CLIENT_DEFAULTS, List.of(), sizes.throughputStep(), steps));
        runs.add(fanOut.throughKafka(FanOutBenchmark.PROJECT, sizes.throughputRates(), sizes.throughputStep(), steps));
        runs.add(fanOut.throughKafka(FanOutBenchmark.PROJECT_PER_POLL_COMMITS, List.of(), sizes.throughputStep(), steps));
        runs.add(fanOut.throughKafka(FanOutBenchmark.PROJECT_ACKS_FETCH, List.of(), sizes.throughputStep(), steps));
        runs.add(fanOut.throughKafka(FanOutBenchmark.PROJECT_SHORT_RETENTION, sizes.throughputRates(),
                sizes.throughputStep(), steps));

        RelayBenchmark.Results relay = new RelayBenchmark(services).run(sizes.relaySessions(),
                sizes.concurrentSessions(), sizes.relayWarmup(), sizes.relayMeasure(), sizes.concurrentMeasure());

        Duration took = Duration.between(started, OffsetDateTime.now(ZoneOffset.UTC));
        machine.put("loadAverageAtEnd",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        Report report = new Report(sizes, machine, started, took, fanOut, parallel, sequential, runs, steps, relay);
        Path results = root.resolve("benchmarks");
        Files.createDirectories(results.resolve("results"));
        Path markdown = results.resolve("RESULTS.md");
        Files.writeString(markdown, report.markdown(Files.exists(markdown) ? Files.readString(markdown) : ""));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("startedAt", started.toString());
        json.put("mode", sizes.mode());
        json.put("machine", machine);
        json.put("sizes", sizes);
        json.put("inProcessParallel", parallel);
        json.put("inProcessSequential", sequential);
        json.put("fanOut", runs);
        json.put("throughput", steps);
        json.put("relay", relay);
        Path machineFile = results.resolve("results").resolve("machine-" + LocalDate.now(ZoneOffset.UTC) + ".json");
        Files.writeString(machineFile, JsonMapper.builder().build().writerWithDefaultPrettyPrinter()
                .writeValueAsString(json));
        log.info("wrote {} and {} in {} s", markdown, machineFile, took.toSeconds());
        System.exit(0);
    }
}
