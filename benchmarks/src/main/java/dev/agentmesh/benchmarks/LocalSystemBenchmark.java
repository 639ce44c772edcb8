package dev.agentmesh.benchmarks;

import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.Topics;
import dev.agentmesh.testing.TestKafka;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Issue 13, item 6: fan-out through the system as users start it (deploy/local/up.sh: a broker and one JVM per
 * service with the flags common.sh gives each), and its start-up. Delegated weather+news tasks are published one
 * after another by a warmed client, as the gateway would; what the mesh adds is each task's latency minus the
 * slower agent's own time ({@code durationMs} of its outcome, which the agent measured from taking the subtask to
 * having its answer). The same is measured in this JVM (in-process broker, manager and simulated agents) in the
 * same run, as the floor.
 */
final class LocalSystemBenchmark {

    private static final Logger log = LoggerFactory.getLogger(LocalSystemBenchmark.class);

    /** The walkthrough's question: the local planner sends it to weather and news, in one stage. */
    static final String REQUEST = "What's the weather in Paris and any news about France?";
    static final Set<String> AGENTS = Set.of("weather", "news");
    static final Duration DEADLINE = Duration.ofSeconds(8);
    /**
     * The comparison with the shipped flags (C1 only, see common.sh): no flags, the JDK's full tiered compiler (C1,
     * then C2 for hot code) for every service.
     */
    static final String TIERED = "";
    /**
     * The other comparison: C1 only as shipped, with the serial collector for every service (common.sh gives it only to
     * the emulator and the memory store, off the task path). Their archives, made with the shipped collector (G1),
     * serve it too: Java 25 loads an archive's heap objects into the serial collector's heap.
     */
    static final String SERIAL = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";
    /**
     * The third: the shipped services with the broker on C1 only too (LOCAL_BROKER_JVM_FLAGS); the broker runs the
     * full tiered compiler as shipped, and its C2 is still compiling while the first tasks after a start run.
     */
    static final String BROKER_C1 = "-XX:TieredStopAtLevel=1";

    /** Sizes of one run. */
    record Sizes(String mode, int warmupTasks, int tasks, int warmStarts, int inProcessTasks, int warmingTasks) {

        static Sizes full() {
            return new Sizes("full", 300, 300, 3, 300, 2400);
        }

        static Sizes quick() {
            return new Sizes("quick", 30, 50, 1, 50, 50);
        }

        /** How many tasks the last warm start has run when its warmed rows begin. */
        int warmedAfter() {
            return 2 * (warmupTasks + tasks) + warmingTasks;
        }
    }

    /**
     * Manager planning time from its timer {@code manager_planning_duration_seconds} (local planner), and the local
     * planner's own time on its thread from {@code manager_planning_local_duration_seconds} (without the wait for
     * a planner thread and the hand-offs).
     */
    record Planning(long count, double meanMs, double maxMs, long ownCount, double ownMeanMs) {
    }

    /**
     * Sequential delegated tasks against one start. Hops from the records' own timestamps, read back after the
     * tasks ran ({@link TaskRecords}).
     */
    record Workload(String label, String settings, Samples latency, Samples agents, Samples overhead,
                    Hops hops, Samples bareHop, Planning planning, int failures, String failureReasons,
                    double loadBefore, double loadAfter) {
    }

    /**
     * Where a task's time goes by the timestamps its records' producers gave them (epoch ms, one machine, so one
     * clock; millisecond resolution), beside the client's send and receipt.
     *
     * @param toPlan the task sent → the plan record made (the hop to the manager, its stream thread, planning)
     * @param planToSubtasks the plan made → the last subtask made
     * @param agentSide the slower agent's subtask made → its reply made, minus that agent's own {@code durationMs}: the
     *                  hop to the agent and the SDK's path around the agent (listener, worker, reply send)
     * @param replyToResult the last reply made → the result made (the hop to the manager, its stream thread)
     * @param resultToClient the result made → the client polled it (the last hop)
     */
    record Hops(Samples toPlan, Samples planToSubtasks, Samples agentSide, Samples replyToResult,
                Samples resultToClient) {
    }

    record Results(Sizes sizes, LocalSystem.Start freshClone, LocalSystem.Start first, List<String> archived,
                   List<LocalSystem.Start> warm, LocalSystem.Start tieredStart, LocalSystem.Start noArchives,
                   LocalSystem.Start serialStart, LocalSystem.Start brokerC1Start, Workload shipped,
                   Workload shippedVaried, Workload warmed, Workload warmedVaried, Workload tiered, Workload serial,
                   Workload brokerC1, Workload brokerC1Warmed, Samples inProcessFloor, FanOutBenchmark.Run inProcess) {
    }

    private final Path root;
    private final Sizes sizes;
    /** LOCAL_PORT_OFFSET moves every port of the local system, as in deploy/local/common.sh. */
    private final int portOffset = Integer.parseInt(System.getenv().getOrDefault("LOCAL_PORT_OFFSET", "0"));
    private final int kafkaPort = Integer.parseInt(System.getenv().getOrDefault("KAFKA_PORT",
            String.valueOf(9092 + portOffset)));
    private final int managerPort = 8081 + portOffset;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    LocalSystemBenchmark(Path root, Sizes sizes) {
        this.root = root;
        this.sizes = sizes;
    }

    Results run() throws Exception {
        Path logs = root.resolve("benchmarks/target/local");
        Files.createDirectories(logs);
        LocalSystem system = new LocalSystem(root, logs.resolve("up-down.log"));
        if (system.running()) {
            throw new IllegalStateException("a local system is already running (deploy/local/run/pids); the benchmark "
                    + "starts and stops its own: stop it with deploy/local/down.sh first");
        }

        LocalSystem.Start clone = freshClone(logs);

        // The first start of this build extracts the jars; the archives are made after it, in the background.
        LocalSystem.Start started = system.up("first start", "", Map.of());
        boolean archivedBefore = started.services().stream().anyMatch(service -> service.archive().equals("yes"));
        LocalSystem.Start first = new LocalSystem.Start(
                archivedBefore ? "first start of this run" : "first start of this build",
                archivedBefore ? "shipped flags, archives from an earlier run" : "shipped flags, no archives yet",
                started.seconds(), started.loadBefore(), started.loadAfter(), started.totalCpuMs(),
                started.agentsLiveMs(), started.services());
        log.info("first start: {} s", fmt1(first.seconds()));
        system.awaitTraining(Duration.ofMinutes(15));
        List<String> archived = system.archived();
        log.info("archives made for {}", archived);
        system.down();

        List<LocalSystem.Start> warm = new ArrayList<>();
        Workload shipped = null;
        Workload shippedVaried = null;
        Workload warmed = null;
        Workload warmedVaried = null;
        for (int i = 1; i <= sizes.warmStarts(); i++) {
            LocalSystem.Start start = system.up("warm start " + i, "shipped flags, archives", Map.of());
            warm.add(start);
            log.info("warm start {}: {} s (load {})", i, fmt1(start.seconds()), fmt1(start.loadBefore()));
            if (i == sizes.warmStarts()) {
                // Right after the start (each after its own warm-up), then the same again once the system has run
                // a few thousand tasks: the services' and the broker's compilers are still at work for the first.
                shipped = workload("shipped flags (common.sh)", "per service, see common.sh", Requests.SAME,
                        sizes.warmupTasks(), 0);
                shippedVaried = workload("shipped flags, a new question each task", "per service, see common.sh",
                        Requests.VARIED, sizes.warmupTasks(), 0);
                warmed = workload("shipped flags, warmed (after " + sizes.warmedAfter() + " tasks)",
                        "per service, see common.sh", Requests.SAME, sizes.warmingTasks(), 0);
                // no warm-up of its own, so its questions are new to the planner too: those after shippedVaried's
                warmedVaried = workload("shipped flags, warmed, a new question each task",
                        "per service, see common.sh", Requests.VARIED, 0, sizes.warmupTasks() + sizes.tasks());
            }
            system.down();
        }

        LocalSystem.Start tieredStart = system.up("C1 and C2", "no JVM flags (full tiered compiler) for every service, "
                + "archives", Map.of("LOCAL_JVM_FLAGS", TIERED));
        Workload tiered = workload("C1 and C2 for every service (LOCAL_JVM_FLAGS empty)", "full tiered compiler",
                Requests.SAME, sizes.warmupTasks(), 0);
        system.down();

        LocalSystem.Start serialStart = system.up("serial collector", "C1 only and the serial collector for every "
                + "service, archives", Map.of("LOCAL_JVM_FLAGS", SERIAL));
        Workload serial = workload("the serial collector for every service (C1 only)", SERIAL, Requests.SAME,
                sizes.warmupTasks(), 0);
        system.down();

        LocalSystem.Start brokerC1Start = system.up("broker C1 only", "shipped flags, the broker C1 only too, "
                + "archives", Map.of("LOCAL_BROKER_JVM_FLAGS", BROKER_C1));
        Workload brokerC1 = workload("shipped flags, the broker C1 only too", BROKER_C1 + " for the broker",
                Requests.SAME, sizes.warmupTasks(), 0);
        Workload brokerC1Warmed = workload("shipped flags, the broker C1 only too, warmed (after "
                + sizes.warmedAfter() + " tasks)", BROKER_C1 + " for the broker", Requests.SAME,
                sizes.warmedAfter() - sizes.warmupTasks() - sizes.tasks(), 0);
        system.down();

        LocalSystem.Start noArchives = system.up("without archives", "shipped flags, LOCAL_ARCHIVES=off",
                Map.of("LOCAL_ARCHIVES", "off"));
        system.down();

        Floor floor = floor();
        return new Results(sizes, clone, first, archived, warm, tieredStart, noArchives, serialStart, brokerC1Start,
                shipped, shippedVaried, warmed, warmedVaried, tiered, serial, brokerC1, brokerC1Warmed, floor.agents(),
                floor.throughKafka());
    }

    /** The in-process floor: the agents called in parallel, and the same tasks through Kafka. */
    record Floor(Samples agents, FanOutBenchmark.Run throughKafka) {
    }

    /** The floor: the same kind of tasks through Kafka in this JVM (in-process broker), nothing else running. */
    Floor floor() throws InterruptedException {
        String bootstrap = TestKafka.bootstrapServers();
        FanOutBenchmark fanOut = new FanOutBenchmark(new Services(root, bootstrap), sizes.inProcessTasks(),
                Math.min(100, sizes.inProcessTasks()), 1);
        Samples agents = fanOut.inProcess(true, 1);
        FanOutBenchmark.Run inProcess = fanOut.throughKafka(FanOutBenchmark.PROJECT, List.of(), Duration.ofSeconds(1),
                new ArrayList<>());
        log.info("in-process through Kafka: {}; over the agents' own time {}", inProcess.samples(), inProcess.overAgents());
        return new Floor(agents, inProcess);
    }

    /**
     * Only the tasks, against a system that is already running; nothing is started, stopped or written. The same
     * question every task, then a new one each task, from question {@code LOCAL_FIRST_QUESTION} on (default 0): new
     * to the manager if it was started for this run, or if an earlier run against it started lower (a full-size
     * run asks 600).
     */
    List<Workload> againstRunning() throws Exception {
        int firstQuestion = Integer.parseInt(System.getenv().getOrDefault("LOCAL_FIRST_QUESTION", "0"));
        return List.of(workload("the running system, the same question", "as it was started", Requests.SAME,
                        sizes.warmupTasks(), 0),
                workload("the running system, a new question each task", "as it was started", Requests.VARIED,
                        sizes.warmupTasks(), firstQuestion));
    }

    /**
     * Which question each task asks: the walkthrough's every time (after the first, the planner finds its features
     * in its cache), or a different one each time ({@link VariedRequests}), which the planner embeds anew.
     */
    enum Requests {
        SAME, VARIED;

        String get(int index) {
            return this == SAME ? REQUEST : VariedRequests.get(index);
        }
    }

    /**
     * up.sh in a fresh clone of this checkout's commit (the Maven cache is already filled): it builds, extracts
     * and starts everything. Stopped again at once, which also stops its archive training.
     */
    private LocalSystem.Start freshClone(Path logs) throws Exception {
        Path clone = Files.createTempDirectory("agent-mesh-clone");
        try {
            String commit = git(root, "rev-parse", "HEAD");
            git(clone.getParent(), "clone", "--quiet", "--no-checkout", root.toString(), clone.toString());
            git(clone, "checkout", "--quiet", "--detach", commit);
            LocalSystem fresh = new LocalSystem(clone, logs.resolve("fresh-clone.log"));
            LocalSystem.Start start = fresh.up("fresh clone", "commit " + commit.substring(0, 7)
                    + ", filled Maven cache, build included", Map.of());
            log.info("fresh clone: {} s", fmt1(start.seconds()));
            fresh.down();
            return start;
        } finally {
            delete(clone);
        }
    }

    /**
     * Waits until weather and news both answer, runs {@code warmup} unrecorded tasks, then measures tasks one after
     * another, asking from question {@code firstQuestion} on. Nothing but the task's own result is read while the
     * tasks run (as the gateway reads); the records between are read back afterwards for the hops.
     */
    private Workload workload(String label, String settings, Requests questions, int warmup, int firstQuestion)
            throws Exception {
        if (questions == Requests.VARIED && firstQuestion + warmup + sizes.tasks() > VariedRequests.size()) {
            throw new IllegalStateException("VariedRequests has " + VariedRequests.size() + " questions, fewer than "
                    + label + " asks from question " + firstQuestion + " on: the later ones would not be new");
        }
        String bootstrap = "127.0.0.1:" + kafkaPort;
        double loadBefore = Machine.loadAverage();
        try (TaskClient client = new TaskClient(bootstrap, Map.of("linger.ms", 0), Map.of());
             BareHop bare = new BareHop(bootstrap)) {
            awaitBothAgents(client);
            int asked = firstQuestion;
            for (int i = 0; i < warmup; i++) {
                once(client, questions.get(asked++));
                bare.once();
            }
            Planning before = planning();
            TaskRecords records = TaskRecords.markEnd(bootstrap, List.of(Topics.AGENT_PLANS,
                    Topics.requestsFor("weather"), Topics.requestsFor("news"), Topics.AGENT_REPLIES));
            Samples.Recorder latency = new Samples.Recorder();
            Samples.Recorder agents = new Samples.Recorder();
            Samples.Recorder overhead = new Samples.Recorder();
            Samples.Recorder bareHops = new Samples.Recorder();
            List<TaskClient.Received> measured = new ArrayList<>();
            Map<String, Integer> reasons = new HashMap<>();
            int failures = 0;
            for (int i = 0; i < sizes.tasks(); i++) {
                Outcome outcome = once(client, questions.get(asked++));
                bareHops.add(bare.once()); // right after the task, with every service as quiet as before it
                if (outcome.failure() != null) {
                    failures++;
                    reasons.merge(outcome.failure(), 1, Integer::sum);
                    continue;
                }
                TaskClient.Received received = outcome.received();
                long total = received.atNanos() - outcome.sentAt();
                long own = FanOutBenchmark.slowestAgentNanos(received.result());
                latency.add(total);
                agents.add(own);
                overhead.add(total - own);
                measured.add(received);
            }
            Planning after = planning();
            long count = after.count() - before.count();
            long ownCount = after.ownCount() - before.ownCount();
            Planning planning = new Planning(count,
                    count > 0 ? (after.meanMs() * after.count() - before.meanMs() * before.count()) / count : Double.NaN,
                    after.maxMs(), ownCount, ownCount > 0 ? (after.ownMeanMs() * after.ownCount()
                    - before.ownMeanMs() * before.ownCount()) / ownCount : Double.NaN);
            Map<String, List<TaskRecords.Seen>> seen = records.read();
            HopRecorder hops = new HopRecorder();
            measured.forEach(received -> hops.add(received,
                    seen.getOrDefault(received.result().taskId(), List.of())));
            Workload workload = new Workload(label, settings, Samples.of(latency.toArray(), failures),
                    Samples.of(agents.toArray(), 0), Samples.of(overhead.toArray(), failures), hops.samples(),
                    Samples.of(bareHops.toArray(), 0), planning,
                    failures,
                    reasons.entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue())
                            .collect(Collectors.joining("; ")), loadBefore, Machine.loadAverage());
            log.info("{}: latency {}, mesh overhead {}, planning mean {} ms (max {}; the planner on its thread {} ms); "
                            + "by the records' timestamps: {}", label, workload.latency(), workload.overhead(),
                    fmt1(planning.meanMs()), fmt1(planning.maxMs()), fmt1(planning.ownMeanMs()), workload.hops());
            log.info("{}: a bare Kafka hop on the same broker, once after each task: {}", label, workload.bareHop());
            return workload;
        }
    }

    /** Collects {@link Hops} from the records' own timestamps, task by task. */
    private static final class HopRecorder {
        private final Samples.Recorder toPlan = new Samples.Recorder();
        private final Samples.Recorder planToSubtasks = new Samples.Recorder();
        private final Samples.Recorder agentSide = new Samples.Recorder();
        private final Samples.Recorder replyToResult = new Samples.Recorder();
        private final Samples.Recorder resultToClient = new Samples.Recorder();

        void add(TaskClient.Received received, List<TaskRecords.Seen> seen) {
            java.util.Optional<TaskRecords.Seen> plan = seen.stream()
                    .filter(record -> record.topic().equals(Topics.AGENT_PLANS)).findFirst();
            // the slower agent by its own clock: the one whose path can add to the task's latency
            java.util.Optional<AgentOutcome> slower = received.result().outcomes().stream()
                    .filter(outcome -> outcome.durationMs() != null)
                    .max(java.util.Comparator.comparingLong(AgentOutcome::durationMs));
            long lastSubtask = created(seen, record -> record.topic().endsWith("-requests"));
            long lastReply = created(seen, record -> record.topic().equals(Topics.AGENT_REPLIES));
            if (plan.isEmpty() || slower.isEmpty() || lastSubtask < 0 || lastReply < 0) {
                return;
            }
            String agent = slower.get().agent();
            long subtask = created(seen, record -> record.topic().equals(Topics.requestsFor(agent)));
            long reply = created(seen, record -> record.topic().equals(Topics.AGENT_REPLIES)
                    && agent.equals(record.agent()));
            toPlan.add(ms(plan.get().createdAtMillis() - received.sentAtMillis()));
            planToSubtasks.add(ms(lastSubtask - plan.get().createdAtMillis()));
            if (subtask >= 0 && reply >= 0) {
                agentSide.add(ms(reply - subtask - slower.get().durationMs()));
            }
            replyToResult.add(ms(received.resultCreatedAtMillis() - lastReply));
            resultToClient.add(ms(received.atMillis() - received.resultCreatedAtMillis()));
        }

        Hops samples() {
            return new Hops(Samples.of(toPlan.toArray(), 0), Samples.of(planToSubtasks.toArray(), 0),
                    Samples.of(agentSide.toArray(), 0), Samples.of(replyToResult.toArray(), 0),
                    Samples.of(resultToClient.toArray(), 0));
        }

        /** The latest timestamp among the task's records that match; -1 when none does. */
        private static long created(List<TaskRecords.Seen> seen, java.util.function.Predicate<TaskRecords.Seen> which) {
            return seen.stream().filter(which).mapToLong(TaskRecords.Seen::createdAtMillis).max().orElse(-1);
        }

        private static long ms(long millis) {
            return millis * 1_000_000;
        }
    }

    private record Outcome(long sentAt, TaskClient.Received received, String failure) {
    }

    private Outcome once(TaskClient client, String request) throws InterruptedException {
        String taskId = TaskClient.randomTaskId();
        long[] sentAt = new long[1];
        try {
            TaskClient.Received received = client.publish(taskId, request, DEADLINE, sentAt)
                    .get(DEADLINE.toSeconds() + 5, TimeUnit.SECONDS);
            return new Outcome(sentAt[0], received, failure(received));
        } catch (TimeoutException e) {
            client.forget(taskId);
            return new Outcome(sentAt[0], null, "no result");
        } catch (ExecutionException e) {
            return new Outcome(sentAt[0], null, "publish failed: " + e.getCause());
        }
    }

    /** The agents count as live in the manager's registry only after their heartbeats: retry until both answer. */
    private void awaitBothAgents(TaskClient client) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String last = "none";
        while (System.nanoTime() < giveUp) {
            Outcome outcome = once(client, REQUEST);
            if (outcome.failure() == null) {
                return;
            }
            last = outcome.failure();
            Thread.sleep(500);
        }
        throw new IllegalStateException("weather and news never both answered within 120 s; last: " + last);
    }

    /** Null when exactly weather and news answered; else what happened. */
    private static String failure(TaskClient.Received received) {
        List<AgentOutcome> outcomes = received.result().outcomes();
        Set<String> answered = outcomes.stream().filter(o -> o.status() == AgentOutcome.Status.ANSWERED)
                .map(AgentOutcome::agent).collect(Collectors.toSet());
        if (answered.equals(AGENTS) && outcomes.size() == AGENTS.size()) {
            return null;
        }
        return "outcomes " + outcomes.stream().map(o -> o.agent() + "=" + o.status().name().toLowerCase())
                .sorted().collect(Collectors.joining(","));
    }

    /** The manager's local planning timer, summed over its outcomes: count, mean over all time, current max. */
    private Planning planning() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + managerPort + "/actuator/prometheus")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long count = 0;
            double sum = 0;
            double max = 0;
            long ownCount = 0;
            double ownSum = 0;
            for (String line : response.body().lines().toList()) {
                if (line.startsWith("manager_planning_local_duration_seconds_count")) {
                    ownCount += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                } else if (line.startsWith("manager_planning_local_duration_seconds_sum")) {
                    ownSum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
                if (!line.startsWith("manager_planning_duration_seconds") || !line.contains("planner=\"local\"")) {
                    continue;
                }
                double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                if (line.startsWith("manager_planning_duration_seconds_count")) {
                    count += (long) value;
                } else if (line.startsWith("manager_planning_duration_seconds_sum")) {
                    sum += value;
                } else if (line.startsWith("manager_planning_duration_seconds_max")) {
                    max = Math.max(max, value);
                }
            }
            return new Planning(count, count > 0 ? sum * 1000 / count : Double.NaN, max * 1000, ownCount,
                    ownCount > 0 ? ownSum * 1000 / ownCount : Double.NaN);
        } catch (IOException e) {
            return new Planning(0, Double.NaN, Double.NaN, 0, Double.NaN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Planning(0, Double.NaN, Double.NaN, 0, Double.NaN);
        }
    }

    private static String git(Path directory, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(arguments));
        Process git = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String out = new String(git.getInputStream().readAllBytes()).strip();
        if (git.waitFor() != 0) {
            throw new IllegalStateException("git " + String.join(" ", arguments) + " failed: " + out);
        }
        return out;
    }

    private static void delete(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (var paths = Files.walk(directory)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    static String fmt1(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(java.util.Locale.ROOT, "%.1f", value);
    }
}
