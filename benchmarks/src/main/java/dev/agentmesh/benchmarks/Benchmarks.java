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
import java.util.Locale;
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
        if (List.of(args).contains("--relay")) {
            try {
                relay(List.of(args));
            } catch (Exception | Error e) {
                // the broker and the upstream run on non-daemon threads: without this the JVM would stay
                log.error("relay benchmark failed", e);
                System.exit(1);
            }
            return;
        }
        boolean quick = List.of(args).contains("--quick");
        boolean headOfLineOnly = List.of(args).contains("--head-of-line");
        if (List.of(args).contains("--local") && List.of(args).contains("--running")) {
            Path root = Path.of(System.getProperty("benchmarks.root", ".")).toAbsolutePath().normalize();
            log.info("{}", new LocalSystemBenchmark(root, quick ? LocalSystemBenchmark.Sizes.quick()
                    : LocalSystemBenchmark.Sizes.full()).againstRunning());
            System.exit(0);
        }
        if (List.of(args).contains("--local") && List.of(args).contains("--floor")) {
            Path root = Path.of(System.getProperty("benchmarks.root", ".")).toAbsolutePath().normalize();
            log.info("{}", new LocalSystemBenchmark(root, quick ? LocalSystemBenchmark.Sizes.quick()
                    : LocalSystemBenchmark.Sizes.full()).floor());
            System.exit(0);
        }
        if (List.of(args).contains("--local")) {
            local(quick);
            return;
        }
        Sizes sizes = quick ? Sizes.quick() : Sizes.full();
        Path root = Path.of(System.getProperty("benchmarks.root", ".")).toAbsolutePath().normalize();
        Map<String, Object> machine = Machine.describe();
        OffsetDateTime started = OffsetDateTime.now(ZoneOffset.UTC);
        log.info("{} run on {}", sizes.mode(), Machine.summary(machine));

        long brokerStart = System.nanoTime();
        String bootstrap = TestKafka.bootstrapServers();
        log.info("broker {} ready in {} ms", bootstrap, (System.nanoTime() - brokerStart) / 1_000_000);
        Services services = new Services(root, bootstrap);
        if (headOfLineOnly) {
            headOfLineAlone(services, sizes, root, machine, started);
            System.exit(0);
        }

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

        HeadOfLineBenchmark.Results headOfLine = headOfLine(services, sizes);

        RelayBenchmark.Results relay = new RelayBenchmark(services).run(sizes.relaySessions(),
                sizes.concurrentSessions(), sizes.relayWarmup(), sizes.relayMeasure(), sizes.concurrentMeasure());

        Duration took = Duration.between(started, OffsetDateTime.now(ZoneOffset.UTC));
        machine.put("loadAverageAtEnd",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        Report report = new Report(sizes, machine, started, took, fanOut, parallel, sequential, runs, steps, relay,
                headOfLine);
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
        json.put("headOfLine", headOfLine);
        Path machineFile = results.resolve("results").resolve("machine-" + LocalDate.now(ZoneOffset.UTC) + ".json");
        Files.writeString(machineFile, JsonMapper.builder().build().writerWithDefaultPrettyPrinter()
                .writeValueAsString(json));
        log.info("wrote {} and {} in {} s", markdown, machineFile, took.toSeconds());
        System.exit(0);
    }

    /** A slow subtask and fast ones behind it on one partition, with agent.max-in-flight 1 and the default 16. */
    private static HeadOfLineBenchmark.Results headOfLine(Services services, Sizes sizes) throws InterruptedException {
        return new HeadOfLineBenchmark(services).run(List.of(1, 16), sizes.mode().equals("quick") ? 3 : 10, 5,
                Duration.ofSeconds(2), Duration.ofMillis(100));
    }

    /**
     * {@code --head-of-line}: only that benchmark; its section of RESULTS.md is replaced (the rest is left as the
     * last full run wrote it) and its numbers go to results/head-of-line-&lt;date&gt;.json.
     */
    private static void headOfLineAlone(Services services, Sizes sizes, Path root, Map<String, Object> machine,
                                        OffsetDateTime started) throws Exception {
        HeadOfLineBenchmark.Results results = headOfLine(services, sizes);
        machine.put("loadAverageAtEnd",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        Path dir = root.resolve("benchmarks");
        Files.createDirectories(dir.resolve("results"));
        Path markdown = dir.resolve("RESULTS.md");
        String previous = Files.exists(markdown) ? Files.readString(markdown) : "";
        String section = results.markdown(String.format(Locale.ROOT, "Run alone (`run.sh --head-of-line`, %s "
                + "sizes), code at commit `%s`, started %s; load average (whole machine) at start %.2f, at end "
                + "%.2f. The other sections are from the run described at the top.", sizes.mode(),
                machine.get("gitCommit"), started.withNano(0), (Double) machine.get("loadAverageAtStart"),
                (Double) machine.get("loadAverageAtEnd")));
        int from = previous.indexOf(HeadOfLineBenchmark.START);
        int to = previous.indexOf(HeadOfLineBenchmark.END);
        int analysis = previous.indexOf(Report.ANALYSIS);
        String updated;
        if (from >= 0 && to > from) {
            int after = to + HeadOfLineBenchmark.END.length();
            if (after < previous.length() && previous.charAt(after) == '\n') {
                after++;
            }
            updated = previous.substring(0, from) + section + previous.substring(after);
        } else if (analysis >= 0) {
            updated = previous.substring(0, analysis) + section + "\n" + previous.substring(analysis);
        } else {
            updated = previous + "\n" + section;
        }
        Files.writeString(markdown, updated);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("startedAt", started.toString());
        json.put("mode", sizes.mode());
        json.put("machine", machine);
        json.put("headOfLine", results);
        Path file = dir.resolve("results").resolve("head-of-line-" + LocalDate.now(ZoneOffset.UTC) + ".json");
        Files.writeString(file, JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(json));
        log.info("wrote the head-of-line section of {} and {}", markdown, file);
    }

    /**
     * {@code run.sh --relay}: the gateway in its own process on one core (see {@link RelayLadder}), this build and,
     * with {@code --baseline-jar=<exec jar>} (run.sh's {@code --baseline <git ref>} builds one), another, side by side.
     */
    private static void relay(List<String> args) throws Exception {
        boolean quick = args.contains("--quick");
        Path root = Path.of(System.getProperty("benchmarks.root", ".")).toAbsolutePath().normalize();
        Map<String, Object> machine = Machine.describe();
        OffsetDateTime started = OffsetDateTime.now(ZoneOffset.UTC);
        log.info("relay run on {}", Machine.summary(machine));
        List<Integer> ladder = option(args, "--sessions").map(value -> java.util.Arrays.stream(value.split(","))
                .map(String::strip).map(Integer::parseInt).toList())
                .orElse(quick ? List.of(50, 200) : List.of(100, 250, 500, 1000, 1500));
        int idle = option(args, "--idle-sessions").map(Integer::parseInt).orElse(quick ? 200 : 1000);
        Duration warmup = Duration.ofSeconds(quick ? 2 : 5);
        Duration measure = Duration.ofSeconds(option(args, "--measure-seconds").map(Long::parseLong)
                .orElse(quick ? 5L : 20L));
        List<RelayLadder.Variant> variants = new ArrayList<>();
        Path current;
        try (var jars = Files.list(root.resolve("gateway/target"))) {
            current = jars.filter(jar -> jar.getFileName().toString().matches("gateway-.*-exec\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no gateway exec jar in gateway/target; run.sh builds it"));
        }
        option(args, "--baseline-jar").ifPresent(jar -> variants.add(new RelayLadder.Variant(
                option(args, "--baseline-label").orElse("baseline"), "the gateway as built from "
                + option(args, "--baseline-label").orElse(jar) + " (`--baseline`)", Path.of(jar), List.of())));
        Path logs = root.resolve("benchmarks/target");
        // a copy, so that a rebuild during the run cannot pull the jar from under the gateway
        Path copy = Files.copy(current, logs.resolve("gateway-this-build.jar"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // --clients=jdk,netty: this build once per upstream WebSocket client, each in a gateway process of its own
        java.util.Optional<String> clients = option(args, "--clients");
        // --transports=nio,native: this build once per Netty transport (Reactor Netty takes epoll when it can load it;
        // -Dreactor.netty.native=false keeps it on the JDK's NIO), each in a gateway process of its own
        java.util.Optional<String> transports = option(args, "--transports");
        for (String transport : transports.map(value -> value.split(",")).orElse(new String[0])) {
            String name = transport.strip();
            if (!name.equals("nio") && !name.equals("native")) {
                throw new IllegalArgumentException("--transports takes nio and native, not " + name);
            }
            variants.add(new RelayLadder.Variant("this-build " + name, "the gateway of this checkout (commit "
                    + machine.get("gitCommit") + ") on Netty's " + (name.equals("nio")
                    ? "NIO transport (`-Dreactor.netty.native=false`)"
                    : "native epoll transport (the default)"),
                    copy, List.of("-Dreactor.netty.native=" + name.equals("native")), List.of()));
        }
        // --netty-unsafe=off,on: this build with Netty's sun.misc.Unsafe access off (what Netty 4.2 does by default
        // from Java 25 on: every buffer access goes through a ByteBuffer) and allowed
        // (--sun-misc-unsafe-memory-access=allow, which Netty takes as leave to use it), each in a process of its own
        java.util.Optional<String> unsafe = option(args, "--netty-unsafe");
        for (String setting : unsafe.map(value -> value.split(",")).orElse(new String[0])) {
            String name = setting.strip();
            if (!name.equals("off") && !name.equals("on")) {
                throw new IllegalArgumentException("--netty-unsafe takes off and on, not " + name);
            }
            if (Runtime.version().feature() < 25) {
                throw new IllegalArgumentException("--netty-unsafe compares Java 25+'s default with Unsafe allowed; "
                        + "on Java " + Runtime.version().feature() + " Netty uses Unsafe anyway");
            }
            variants.add(new RelayLadder.Variant("this-build unsafe-" + name, "the gateway of this checkout (commit "
                    + machine.get("gitCommit") + ") with Netty's Unsafe " + (name.equals("on")
                    ? "allowed (`--sun-misc-unsafe-memory-access=allow`)" : "off (Java 25's default)"),
                    copy, name.equals("on") ? List.of("--sun-misc-unsafe-memory-access=allow") : List.of(), List.of()));
        }
        // --jvm-variant=label:flags (repeatable): this build once per set of gateway JVM flags, e.g.
        // --jvm-variant='loops-4:-Dreactor.netty.ioWorkerCount=4' --jvm-variant='loops-1:-Dreactor.netty.ioWorkerCount=1'
        List<String> jvmVariants = repeated(args, "--jvm-variant=");
        for (String jvmVariant : jvmVariants) {
            variants.add(jvmVariant("this-build", "the gateway of this checkout (commit " + machine.get("gitCommit")
                    + ")", copy, jvmVariant));
        }
        // --baseline-jvm-variant=label:flags (repeatable): the same for the --baseline gateway
        List<String> baselineVariants = repeated(args, "--baseline-jvm-variant=");
        for (String jvmVariant : baselineVariants) {
            String jar = option(args, "--baseline-jar").orElseThrow(
                    () -> new IllegalArgumentException("--baseline-jvm-variant needs --baseline"));
            String label = option(args, "--baseline-label").orElse("baseline");
            variants.add(jvmVariant(label, "the gateway as built from " + label, Path.of(jar), jvmVariant));
        }
        if (clients.isEmpty() && transports.isEmpty() && unsafe.isEmpty() && jvmVariants.isEmpty()) {
            variants.add(new RelayLadder.Variant("this-build", "the gateway of this checkout (commit "
                    + machine.get("gitCommit") + "), its default upstream client", copy, List.of()));
        }
        for (String client : clients.map(value -> value.split(",")).orElse(new String[0])) {
            variants.add(new RelayLadder.Variant("this-build " + client.strip(), "the gateway of this checkout (commit "
                    + machine.get("gitCommit") + ") with `--gateway.upstream.client=" + client.strip() + "`", copy,
                    List.of("gateway.upstream.client=" + client.strip())));
        }
        boolean heapOnly = args.contains("--heap-only");
        // --load=netty,jdk: each measuring side (load generator and upstream) in turn; jdk is the one before Netty's
        List<RelayLoad> loads = java.util.Arrays.stream(option(args, "--load").orElse("netty").split(","))
                .map(RelayLoad::of).distinct().toList();
        if (args.contains("--direct-only")) {
            // the measuring side alone, no gateway: printed and written to benchmarks/target; RELAY.md is left as it is
            List<RelayLadder.Step> steps = new RelayLadder("", root.resolve("benchmarks/target"), false)
                    .direct(loads, ladder, warmup, measure);
            Map<String, Object> json = new LinkedHashMap<>();
            machine.put("loadAverageAtEnd",
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            json.put("machine", machine);
            json.put("direct", steps);
            Path file = root.resolve("benchmarks/target/relay-direct-" + LocalDate.now(ZoneOffset.UTC) + ".json");
            Files.writeString(file, JsonMapper.builder().build().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(json));
            log.info("wrote {}; load average at start {}, at end {}", file, machine.get("loadAverageAtStart"),
                    machine.get("loadAverageAtEnd"));
            System.exit(0);
        }
        String bootstrap = TestKafka.bootstrapServers();
        RelayLadder.Results results = new RelayLadder(bootstrap, logs, args.contains("--jfr"))
                .run(variants, loads, ladder, idle, warmup, measure, option(args, "--gateway-cores").orElse("0"),
                        heapOnly);
        Duration took = Duration.between(started, OffsetDateTime.now(ZoneOffset.UTC));
        machine.put("loadAverageAtEnd",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        String command = "benchmarks/run.sh --relay" + (quick ? " --quick" : "")
                + option(args, "--baseline-label").map(ref -> " --baseline " + ref).orElse("")
                + clients.map(value -> " --clients=" + value).orElse("")
                + transports.map(value -> " --transports=" + value).orElse("")
                + unsafe.map(value -> " --netty-unsafe=" + value).orElse("")
                + jvmVariants.stream().map(value -> " '--jvm-variant=" + value + "'").collect(java.util.stream.Collectors.joining())
                + baselineVariants.stream().map(value -> " '--baseline-jvm-variant=" + value + "'")
                .collect(java.util.stream.Collectors.joining())
                + option(args, "--load").map(value -> " --load=" + value).orElse("")
                + option(args, "--sessions").map(value -> " --sessions=" + value).orElse("");
        if (heapOnly) {
            // only the heap step: printed, and written by class to benchmarks/target; RELAY.md is left as it is
            for (RelayLadder.IdleHeap heap : results.heap()) {
                log.info("heap per idle session: {} {} KiB ({} of {} open); by class in benchmarks/target/"
                                + "gateway-heap-per-session-*.txt", heap.variant(), RelayBenchmark.kib(heap.bytesPerSession()),
                        heap.connected(), heap.sessions());
            }
            System.exit(0);
        }
        Path markdown = root.resolve("benchmarks/RELAY.md");
        String previous = Files.exists(markdown) ? Files.readString(markdown) : "";
        Files.writeString(markdown, new RelayReport(machine, started, took, results, command).markdown(previous));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("startedAt", started.toString());
        json.put("machine", machine);
        json.put("relay", results);
        Files.createDirectories(root.resolve("benchmarks/results"));
        Path file = root.resolve("benchmarks/results/relay-" + LocalDate.now(ZoneOffset.UTC) + ".json");
        Files.writeString(file, JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(json));
        log.info("wrote {} and {} in {} s", markdown, file, took.toSeconds());
        System.exit(0);
    }

    /** The values of every {@code prefix…} among {@code args}, in order. */
    private static List<String> repeated(List<String> args, String prefix) {
        return args.stream().filter(arg -> arg.startsWith(prefix)).map(arg -> arg.substring(prefix.length())).toList();
    }

    /** {@code label:flags}: the gateway of {@code jar} started with those JVM flags, labelled {@code base label}. */
    private static RelayLadder.Variant jvmVariant(String base, String description, Path jar, String labelAndFlags) {
        int colon = labelAndFlags.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("a JVM variant takes label:flags, not " + labelAndFlags);
        }
        String flags = labelAndFlags.substring(colon + 1).strip();
        return new RelayLadder.Variant(base + " " + labelAndFlags.substring(0, colon), description + " with `"
                + (flags.isEmpty() ? "no flags" : flags) + "`", jar, flags.isEmpty() ? List.of()
                : List.of(flags.split("\\s+")), List.of());
    }

    /** The value of {@code --name=value} among {@code args}. */
    private static java.util.Optional<String> option(List<String> args, String name) {
        return args.stream().filter(arg -> arg.startsWith(name + "=")).map(arg -> arg.substring(name.length() + 1))
                .findFirst();
    }

    /** {@code --local}: the system as deploy/local/up.sh starts it; writes its section of RESULTS.md. */
    private static void local(boolean quick) throws Exception {
        LocalSystemBenchmark.Sizes sizes = quick ? LocalSystemBenchmark.Sizes.quick() : LocalSystemBenchmark.Sizes.full();
        Path root = Path.of(System.getProperty("benchmarks.root", ".")).toAbsolutePath().normalize();
        Map<String, Object> machine = Machine.describe();
        OffsetDateTime started = OffsetDateTime.now(ZoneOffset.UTC);
        log.info("local {} run on {}", sizes.mode(), Machine.summary(machine));
        LocalSystemBenchmark.Results results = new LocalSystemBenchmark(root, sizes).run();
        Duration took = Duration.between(started, OffsetDateTime.now(ZoneOffset.UTC));
        machine.put("loadAverageAtEnd", Machine.loadAverage());
        LocalReport report = new LocalReport(results, machine, started, took);
        Path markdown = root.resolve("benchmarks/RESULTS.md");
        Files.writeString(markdown, report.splice(Files.exists(markdown) ? Files.readString(markdown) : ""));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("startedAt", started.toString());
        json.put("machine", machine);
        json.put("local", results);
        Path machineFile = root.resolve("benchmarks/results/local-" + LocalDate.now(ZoneOffset.UTC) + ".json");
        Files.createDirectories(machineFile.getParent());
        Files.writeString(machineFile, JsonMapper.builder().build().writerWithDefaultPrettyPrinter()
                .writeValueAsString(json));
        log.info("wrote {} and {} in {} s; warm start median {} s", markdown, machineFile, took.toSeconds(),
                LocalSystemBenchmark.fmt1(report.warmMedianSeconds()));
        System.exit(0);
    }
}
