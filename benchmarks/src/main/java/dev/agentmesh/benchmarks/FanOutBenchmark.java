package dev.agentmesh.benchmarks;

import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.sdk.AgentRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Targets 1, 4 and 5: delegated tasks through the real broker, the real manager and three agent services whose
 * work is a fixed delay, against the same agents called in-process; then the manager's throughput with instant
 * agents.
 */
final class FanOutBenchmark {

    private static final Logger log = LoggerFactory.getLogger(FanOutBenchmark.class);

    /**
     * The local planner (e5-small-v2 embeddings) routes each clause to the one simulated agent whose skill examples
     * it resembles: weather, traffic and news, all three in stage 1. (Two agents of one subject, as before, split
     * the planner's likelihood, and it asked only one of them.)
     */
    static final String REQUEST = "What is the weather like, how is the traffic, and what is in the news today?";
    static final Duration TASK_DEADLINE = Duration.ofSeconds(10);

    /** Kafka client settings of one fan-out run. */
    record Variant(String name, String settings, List<String> agentProperties, List<String> managerProperties,
                   Map<String, Object> producer, Map<String, Object> consumer) {
    }

    /**
     * One variant's closed-loop tasks: task-to-result latency, and the same minus the slowest agent's own time
     * ({@code durationMs} of its outcome), which is what the mesh adds.
     */
    record Run(Variant variant, Samples samples, String failureReasons, Samples overAgents) {
    }

    record Step(String variant, int offeredPerSecond, double achievedPerSecond, Samples samples) {
    }

    /** The settings a Kafka 4 client and Spring Kafka use when nobody sets them, on the latency path. */
    static final Variant CLIENT_DEFAULTS = new Variant("client defaults",
            "producers linger.ms=5 (Kafka 4 default), manager's Streams producer linger.ms=100 (Streams default), "
                    + "agents commit after every poll (ack-time 1 ms, which is Spring's BATCH behaviour; the SDK "
                    + "fixes the mode to TIME), fetch.max.wait.ms=500, acks=all",
            List.of("spring.kafka.producer.properties.linger.ms=5", "mesh.kafka.ack-time=1ms"),
            List.of("spring.kafka.streams.properties.producer.linger.ms=100"),
            Map.of("linger.ms", 5), Map.of());

    /** What the project ships: application.yml and the SDK as they are. */
    static final Variant PROJECT = new Variant("project settings",
            "linger.ms=0 on every producer (SDK default, manager's application.yml), agents commit on a 1 s timer "
                    + "(ack-mode TIME), fetch.max.wait.ms=500, acks=all",
            List.of(), List.of(), Map.of("linger.ms", 0), Map.of());

    /** The project's settings except the agents' commits: isolates what ack-mode TIME buys. */
    static final Variant PROJECT_PER_POLL_COMMITS = new Variant("project, agents commit every poll",
            "project settings, but the agents commit after every poll (ack-time 1 ms, Spring's BATCH behaviour)",
            List.of("mesh.kafka.ack-time=1ms"), List.of(), Map.of("linger.ms", 0), Map.of());

    /**
     * The project's settings with the manager forgetting closed tasks after 5 s instead of 10 min: its deadline
     * punctuator reads every task in the store every 50 ms, so the store's size costs CPU.
     */
    static final Variant PROJECT_SHORT_RETENTION = new Variant("project, manager.closed-retention=5s",
            "project settings; the manager keeps closed tasks 5 s instead of 10 min (a manager setting, not a "
                    + "Kafka one: it bounds the store its 50 ms deadline check scans)",
            List.of(), List.of("manager.closed-retention=5s"), Map.of("linger.ms", 0), Map.of());

    /** An experiment on top of the project's settings. */
    static final Variant PROJECT_ACKS_FETCH = new Variant("project + acks=1, fetch wait 10 ms",
            "project settings plus acks=1 (single broker) and fetch.max.wait.ms=10 on every client",
            List.of("spring.kafka.producer.acks=1", "spring.kafka.consumer.fetch-max-wait=10ms"),
            List.of("spring.kafka.streams.properties.producer.acks=1",
                    "spring.kafka.streams.properties.consumer.fetch.max.wait.ms=10"),
            Map.of("linger.ms", 0, "acks", "1"), Map.of("fetch.max.wait.ms", 10));

    private final Services services;
    private final int tasks;
    private final int warmup;
    private final int inFlight;
    private final List<SimulatedAgent> agents = List.of(
            new SimulatedAgent("sim50", "Simulated weather source that answers after a fixed delay",
                    List.of("What is the weather like?", "Will it rain today?", "How warm is it outside?",
                            "What's the forecast for tomorrow?", "Is it sunny or cloudy?"), Duration.ofMillis(50)),
            new SimulatedAgent("sim80", "Simulated road traffic source that answers after a fixed delay",
                    List.of("How is the traffic?", "Are the roads busy?", "Is there a traffic jam on the motorway?",
                            "How long is the drive into town right now?", "Any road closures or accidents?"),
                    Duration.ofMillis(80)),
            new SimulatedAgent("sim120", "Simulated news source that answers after a fixed delay",
                    List.of("What is in the news today?", "Latest headlines please", "Any news from Europe?",
                            "What happened in the world this morning?", "Top stories right now"),
                    Duration.ofMillis(120)));
    private final Set<String> agentNames = agents.stream().map(SimulatedAgent::name).collect(Collectors.toSet());

    FanOutBenchmark(Services services, int tasks, int warmup, int inFlight) {
        this.services = services;
        this.tasks = tasks;
        this.warmup = warmup;
        this.inFlight = inFlight;
    }

    int inFlight() {
        return inFlight;
    }

    String agentDelays() {
        return agents.stream().map(agent -> agent.name() + " " + agent.delay().toMillis() + " ms")
                .collect(Collectors.joining(", "));
    }

    // ---- in-process baselines -------------------------------------------------------------------------------

    /** The three agents called in this JVM, in parallel (the floor) or one after another; {@code concurrency} tasks at a time. */
    Samples inProcess(boolean parallel, int concurrency) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        List<Samples.Recorder> recorders = new ArrayList<>();
        try (ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
             ExecutorService workers = Executors.newFixedThreadPool(concurrency)) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                Samples.Recorder recorder = new Samples.Recorder();
                recorders.add(recorder);
                done.add(workers.submit(() -> {
                    int index;
                    while ((index = next.getAndIncrement()) < warmup + tasks) {
                        long start = System.nanoTime();
                        if (parallel) {
                            List<Future<String>> answers = new ArrayList<>();
                            for (SimulatedAgent agent : agents) {
                                answers.add(calls.submit(() -> agent.handle(AgentRequest.of(REQUEST, TASK_DEADLINE))));
                            }
                            for (Future<String> answer : answers) {
                                answer.get();
                            }
                        } else {
                            for (SimulatedAgent agent : agents) {
                                agent.handle(AgentRequest.of(REQUEST, TASK_DEADLINE));
                            }
                        }
                        if (index >= warmup) {
                            recorder.add(System.nanoTime() - start);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : done) {
                try {
                    worker.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
        }
        return Samples.of(merge(recorders), 0);
    }

    // ---- through Kafka ----------------------------------------------------------------------------------------

    /** Starts the manager and the agents with {@code variant}'s settings, runs the tasks, and (if asked) the throughput steps. */
    Run throughKafka(Variant variant, List<Integer> throughputRates, Duration stepLength, List<Step> steps)
            throws InterruptedException {
        agents.forEach(agent -> agent.delay(Duration.ofMillis(Long.parseLong(agent.name().substring(3)))));
        List<String> agentProperties = new ArrayList<>(variant.agentProperties());
        // One listener thread per partition, as when the SDK ran one subtask at a time per partition (before
        // agent.max-in-flight), so these rows compare with earlier runs.
        agentProperties.add("agent.concurrency=6");
        List<SimulatedAgent> started = new ArrayList<>();
        ConfigurableApplicationContext manager = null;
        try {
            for (SimulatedAgent agent : agents) {
                started.add(agent.start(services.bootstrapServers(), agentProperties));
            }
            manager = services.manager(variant.managerProperties());
            try (TaskClient client = new TaskClient(services.bootstrapServers(), variant.producer(), variant.consumer())) {
                awaitAllAgentsPlanned(client);
                log.info("fan-out [{}]: {} tasks ({} warm-up), {} in flight", variant.name(), tasks, warmup, inFlight);
                Run run = closedLoop(variant, client);
                log.info("fan-out [{}]: {}", variant.name(), run.samples());
                if (!throughputRates.isEmpty()) {
                    agents.forEach(agent -> agent.delay(Duration.ZERO));
                    openLoop(variant.name(), client, throughputRates.getFirst(), Duration.ofSeconds(3)); // warm-up, not recorded
                    for (int rate : throughputRates) {
                        Step step = openLoop(variant.name(), client, rate, stepLength);
                        steps.add(step);
                        log.info("throughput [{}] {} tasks/s offered: {} tasks/s completed, {}", variant.name(), rate,
                                String.format("%.0f", step.achievedPerSecond()), step.samples());
                        if (step.samples().p99() > 500 || step.samples().failures() > step.samples().count()) {
                            break;
                        }
                    }
                }
                return run;
            }
        } finally {
            if (manager != null) {
                manager.close();
            }
            started.forEach(SimulatedAgent::close);
        }
    }

    /** The manager plans only with agents whose heartbeats it has read: retry one task until all three answer. */
    private void awaitAllAgentsPlanned(TaskClient client) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String last = "none";
        while (System.nanoTime() < giveUp) {
            String taskId = TaskClient.randomTaskId();
            try {
                TaskClient.Received received = client.publish(taskId, REQUEST, TASK_DEADLINE, new long[1])
                        .get(15, TimeUnit.SECONDS);
                last = failure(received);
                if (last == null) {
                    return;
                }
            } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                client.forget(taskId);
                last = e instanceof TimeoutException ? "no result in 15 s" : "publish failed: " + e.getCause();
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the manager never planned all three simulated agents within 120 s; last: "
                + last);
    }

    private Run closedLoop(Variant variant, TaskClient client) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        Map<String, AtomicInteger> reasons = new java.util.concurrent.ConcurrentHashMap<>();
        List<Samples.Recorder> recorders = new ArrayList<>();
        List<Samples.Recorder> overRecorders = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < inFlight; w++) {
            Samples.Recorder recorder = new Samples.Recorder();
            Samples.Recorder overRecorder = new Samples.Recorder();
            recorders.add(recorder);
            overRecorders.add(overRecorder);
            int partition = w % client.partitions();
            workers.add(Thread.ofPlatform().name("bench-task-" + w).start(() -> {
                int index;
                while ((index = next.getAndIncrement()) < warmup + tasks) {
                    String taskId = client.taskIdOn(partition);
                    long[] sentAt = new long[1];
                    String failure;
                    long latency = 0;
                    long agentsOwn = 0;
                    try {
                        TaskClient.Received received = client.publish(taskId, REQUEST, TASK_DEADLINE, sentAt)
                                .get(TASK_DEADLINE.toSeconds() + 5, TimeUnit.SECONDS);
                        latency = received.atNanos() - sentAt[0];
                        agentsOwn = slowestAgentNanos(received.result());
                        failure = failure(received);
                    } catch (TimeoutException e) {
                        client.forget(taskId);
                        failure = "no result";
                    } catch (java.util.concurrent.ExecutionException e) {
                        failure = "publish failed: " + e.getCause();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    if (index < warmup) {
                        continue;
                    }
                    if (failure == null) {
                        recorder.add(latency);
                        overRecorder.add(latency - agentsOwn);
                    } else {
                        failures.incrementAndGet();
                        reasons.computeIfAbsent(failure, key -> new AtomicInteger()).incrementAndGet();
                    }
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        return new Run(variant, Samples.of(merge(recorders), failures.get()), reasons.isEmpty() ? ""
                : reasons.entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue())
                        .collect(Collectors.joining("; ")), Samples.of(merge(overRecorders), failures.get()));
    }

    /** The longest own time (durationMs) among a result's outcomes, in nanoseconds. */
    static long slowestAgentNanos(dev.agentmesh.events.AgentTaskCompleted result) {
        return result.outcomes().stream().map(AgentOutcome::durationMs).filter(java.util.Objects::nonNull)
                .mapToLong(Long::longValue).max().orElse(0) * 1_000_000;
    }

    /** Target 4: tasks published at a fixed rate (open loop), instant agents. */
    private Step openLoop(String variantName, TaskClient client, int ratePerSecond, Duration length)
            throws InterruptedException {
        int count = (int) (ratePerSecond * length.toMillis() / 1000);
        Samples.Recorder recorder = new Samples.Recorder();
        AtomicInteger failures = new AtomicInteger();
        long[] lastCompletion = {0};
        List<CompletableFuture<?>> all = new ArrayList<>(count);
        long start = System.nanoTime();
        long interval = 1_000_000_000L / ratePerSecond;
        for (int i = 0; i < count; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            long[] sentAt = new long[1];
            String taskId = TaskClient.randomTaskId();
            all.add(client.publish(taskId, REQUEST, TASK_DEADLINE, sentAt).whenComplete((received, error) -> {
                synchronized (recorder) {
                    if (error == null && failure(received) == null) {
                        recorder.add(received.atNanos() - sentAt[0]);
                        lastCompletion[0] = Math.max(lastCompletion[0], received.atNanos());
                    } else {
                        failures.incrementAndGet();
                    }
                }
            }).orTimeout(TASK_DEADLINE.toSeconds() + 5, TimeUnit.SECONDS).exceptionally(error -> {
                client.forget(taskId);
                return null;
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(error -> null).join();
        synchronized (recorder) {
            int missing = count - recorder.size() - failures.get();
            double seconds = (lastCompletion[0] - start) / 1e9;
            return new Step(variantName, ratePerSecond, seconds > 0 ? recorder.size() / seconds : 0,
                    Samples.of(recorder.toArray(), failures.get() + Math.max(0, missing)));
        }
    }

    /** Null when all three simulated agents answered; else what went wrong. */
    private String failure(TaskClient.Received received) {
        List<AgentOutcome> outcomes = received.result().outcomes();
        Set<String> answered = outcomes.stream().filter(o -> o.status() == AgentOutcome.Status.ANSWERED)
                .map(AgentOutcome::agent).collect(Collectors.toSet());
        if (answered.equals(agentNames) && outcomes.size() == agentNames.size()) {
            return null;
        }
        return "outcomes " + outcomes.stream().map(o -> o.agent() + "=" + o.status())
                .sorted().collect(Collectors.joining(","));
    }

    private static long[] merge(List<Samples.Recorder> recorders) {
        return recorders.stream().flatMapToLong(r -> java.util.Arrays.stream(r.toArray())).toArray();
    }
}
