package dev.agentmesh.benchmarks;

import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.testing.TestKafka;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 13's addressing benchmark: what one gateway reads per result of its own as gateways go from 1 to 8, with
 * replies addressed to one partition per gateway (this project) and, side by side in the same run, with every
 * gateway reading all of agent-results and conversation-events (the design before). Each simulated gateway
 * ({@link SimulatedGateway}) makes the same number of delegated turns through the real manager and a simulated
 * agent on the real broker; the figures are gateway 0's consumer metrics ({@code bytes-consumed-total},
 * {@code records-consumed-total}) over its own results. Writes benchmarks/RESULTS-addressing.md.
 * <p>
 * Run: {@code benchmarks/run.sh --addressing} ({@code --quick} for fewer turns).
 */
public final class AddressingBenchmark {

    private static final Logger log = LoggerFactory.getLogger(AddressingBenchmark.class);
    private static final List<Integer> GATEWAYS = List.of(1, 2, 4, 8);
    private static final String REQUEST = FanOutBenchmark.REQUEST;
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    /** Turns each gateway keeps in flight. */
    private static final int IN_FLIGHT = 2;

    record Row(String design, int gateways, int results, long bytes, long records, int failed) {

        double bytesPerResult() {
            return results == 0 ? 0 : (double) bytes / results;
        }

        double recordsPerResult() {
            return results == 0 ? 0 : (double) records / results;
        }
    }

    private AddressingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        int turnsPerGateway = quick ? 10 : 50;
        Path root = Path.of(System.getProperty("benchmarks.root", ".")).toAbsolutePath().normalize();
        OffsetDateTime started = OffsetDateTime.now(ZoneOffset.UTC);
        Map<String, Object> machine = Machine.describe();
        String bootstrap = TestKafka.bootstrapServers();
        Services services = new Services(root, bootstrap);
        int partitions = GATEWAYS.getLast();
        List<Row> rows = new ArrayList<>();
        ConfigurableApplicationContext manager = services.manager(List.of("mesh.kafka.partitions=" + partitions));
        try (SimulatedAgent agent = new SimulatedAgent("sim10", "Simulated weather source that answers after a fixed delay",
                Duration.ofMillis(10)).start(bootstrap, List.of("mesh.kafka.partitions=" + partitions))) {
            awaitPlanned(bootstrap);
            // one unmeasured round of each design, so start-up effects (the manager's first rebalances, the
            // warm-up's leftovers) stay out of the rows
            for (SimulatedGateway.Design design : SimulatedGateway.Design.values()) {
                measure(bootstrap, design, 1, Math.max(IN_FLIGHT, turnsPerGateway / 5));
            }
            for (int gateways : GATEWAYS) {
                for (SimulatedGateway.Design design : SimulatedGateway.Design.values()) {
                    Row row = measure(bootstrap, design, gateways, turnsPerGateway);
                    rows.add(row);
                    log.info("addressing [{} x{}]: {} results, {} bytes and {} records read per result", design,
                            gateways, row.results(), String.format(Locale.ROOT, "%.0f", row.bytesPerResult()),
                            String.format(Locale.ROOT, "%.1f", row.recordsPerResult()));
                }
            }
        } finally {
            manager.close();
        }
        Duration took = Duration.between(started, OffsetDateTime.now(ZoneOffset.UTC));
        Path out = root.resolve("benchmarks").resolve("RESULTS-addressing.md");
        Files.writeString(out, markdown(rows, turnsPerGateway, quick, machine, started, took));
        log.info("wrote {} in {} s", out, took.toSeconds());
        System.exit(0);
    }

    /** The manager plans only with agents whose heartbeats it has read: ask until the agent answers. */
    private static void awaitPlanned(String bootstrap) throws Exception {
        try (SimulatedGateway probe = new SimulatedGateway(bootstrap, SimulatedGateway.Design.ADDRESSED,
                "bench-warmup", 0)) {
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!probe.ready()) {
                Thread.sleep(50);
            }
            while (System.nanoTime() < giveUp) {
                try {
                    AgentTaskCompleted result = probe.ask(TaskClient.randomTaskId(), REQUEST, DEADLINE)
                            .get(15, TimeUnit.SECONDS);
                    if (!result.outcomes().isEmpty() && !result.partial()) {
                        return;
                    }
                } catch (java.util.concurrent.TimeoutException e) {
                    // not planned yet
                }
                Thread.sleep(500);
            }
        }
        throw new IllegalStateException("the manager never planned the simulated agent within 120 s");
    }

    private static Row measure(String bootstrap, SimulatedGateway.Design design, int count, int turns)
            throws Exception {
        List<SimulatedGateway> gateways = new ArrayList<>();
        String run = design.name().toLowerCase(Locale.ROOT) + "-" + count + "-" + System.nanoTime();
        try {
            for (int i = 0; i < count; i++) {
                gateways.add(new SimulatedGateway(bootstrap, design, "bench-" + run + "-" + i, i));
            }
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!gateways.stream().allMatch(SimulatedGateway::ready)) {
                if (System.nanoTime() > giveUp) {
                    throw new IllegalStateException("simulated gateways not reading within 60 s");
                }
                Thread.sleep(50);
            }
            SimulatedGateway.Read before = gateways.getFirst().read();
            AtomicInteger failed = new AtomicInteger();
            AtomicInteger firstsResults = new AtomicInteger();
            List<Thread> workers = new ArrayList<>();
            for (SimulatedGateway gateway : gateways) {
                for (int w = 0; w < IN_FLIGHT; w++) {
                    boolean first = gateway == gateways.getFirst();
                    workers.add(Thread.ofPlatform().start(() -> {
                        for (int t = 0; t < turns / IN_FLIGHT; t++) {
                            CompletableFuture<AgentTaskCompleted> result = gateway.ask(TaskClient.randomTaskId(),
                                    REQUEST, DEADLINE);
                            try {
                                AgentTaskCompleted completed = result.get(DEADLINE.toSeconds() + 5, TimeUnit.SECONDS);
                                if (completed.outcomes().stream().anyMatch(o -> o.status() != AgentOutcome.Status.ANSWERED)) {
                                    failed.incrementAndGet();
                                }
                                if (first) {
                                    firstsResults.incrementAndGet();
                                }
                            } catch (Exception e) {
                                failed.incrementAndGet();
                            }
                        }
                    }));
                }
            }
            for (Thread worker : workers) {
                worker.join();
            }
            // every gateway has its results, so everything is written; let gateway 0 read what is left for it
            SimulatedGateway.Read read = gateways.getFirst().read();
            for (int settled = 0; settled < 5; ) {
                Thread.sleep(200);
                SimulatedGateway.Read now = gateways.getFirst().read();
                settled = now.equals(read) ? settled + 1 : 0;
                read = now;
            }
            SimulatedGateway.Read delta = read.minus(before);
            log.info("addressing [{} x{}]: gateway 0 decoded {}", design, count, gateways.getFirst().seen());
            return new Row(design == SimulatedGateway.Design.ADDRESSED ? "addressed (one partition per gateway)"
                    : "before: every gateway reads everything", count, firstsResults.get(), delta.bytes(),
                    delta.records(), failed.get());
        } finally {
            gateways.forEach(SimulatedGateway::close);
        }
    }

    private static String markdown(List<Row> rows, int turns, boolean quick, Map<String, Object> machine,
                                   OffsetDateTime started, Duration took) {
        StringBuilder out = new StringBuilder();
        out.append("# Addressing: what one gateway reads per result\n\n");
        out.append("Written by `benchmarks/run.sh --addressing").append(quick ? " --quick" : "").append("` on ")
                .append(started.toLocalDate()).append(" (").append(took.toSeconds()).append(" s; ")
                .append(Machine.summary(machine)).append("). Both designs side by side in one run, against one ")
                .append("in-process broker, the real manager and one simulated agent (10 ms). Each simulated gateway ")
                .append("makes ").append(turns).append(" delegated turns (").append(IN_FLIGHT)
                .append(" in flight) and writes the four turns a delegated text turn records on conversation-events; ")
                .append("the figures are gateway 0's consumer metrics on agent-results and conversation-events ")
                .append("(`bytes-consumed-total`, `records-consumed-total`; the registry, read alike by both, left ")
                .append("out), divided by gateway 0's own results. What a gateway reads per result: addressed, its ")
                .append("task's plan and result on its own partition; before, every gateway's plans, results and ")
                .append("recorded turns.\n\n");
        out.append("| design | gateways | results of gateway 0 | bytes read per result | records read per result | "
                + "vs 1 gateway | failed turns (all gateways) |\n|---|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            double one = rows.stream().filter(r -> r.design().equals(row.design()) && r.gateways() == 1)
                    .mapToDouble(Row::bytesPerResult).findFirst().orElse(Double.NaN);
            out.append("| ").append(row.design()).append(" | ").append(row.gateways()).append(" | ")
                    .append(row.results()).append(" | ")
                    .append(String.format(Locale.ROOT, "%.0f", row.bytesPerResult())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f", row.recordsPerResult())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2fx", row.bytesPerResult() / one)).append(" | ")
                    .append(row.failed()).append(" |\n");
        }
        for (int gateways : GATEWAYS) {
            double addressed = rows.stream().filter(r -> r.gateways() == gateways && r.design().startsWith("addressed"))
                    .mapToDouble(Row::bytesPerResult).findFirst().orElse(Double.NaN);
            double before = rows.stream().filter(r -> r.gateways() == gateways && r.design().startsWith("before"))
                    .mapToDouble(Row::bytesPerResult).findFirst().orElse(Double.NaN);
            out.append(gateways == GATEWAYS.getFirst() ? "\n" : "").append("- ").append(gateways)
                    .append(gateways == 1 ? " gateway" : " gateways").append(": the design before reads ")
                    .append(String.format(Locale.ROOT, "%.1fx", before / addressed))
                    .append(" the bytes per result that addressing reads.\n");
        }
        return out.toString();
    }
}
