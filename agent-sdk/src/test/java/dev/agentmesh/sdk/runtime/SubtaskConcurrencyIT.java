package dev.agentmesh.sdk.runtime;

import dev.agentmesh.events.AgentSkill;
import dev.agentmesh.events.SubtaskCompleted;
import dev.agentmesh.events.SubtaskRequested;
import dev.agentmesh.events.Topics;
import dev.agentmesh.sdk.Agent;
import dev.agentmesh.sdk.AgentRequest;
import dev.agentmesh.testing.EventProbe;
import dev.agentmesh.testing.EventPublisher;
import dev.agentmesh.testing.TestKafka;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.test.utils.ContainerTestUtils;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Instances of an agent started and stopped by the test against the real broker: how many subtasks run at once,
 * what is committed while a slow subtask runs behind finished ones, and what a stop or a rebalance leaves for the
 * next owner of a partition. Each test has its own agent, so its own request topic and consumer group.
 */
class SubtaskConcurrencyIT {

    /** A request that is not JSON: it cannot be decoded. */
    static final byte[] POISON = "{not json".getBytes(UTF_8);

    static EventPublisher publisher;
    static EventProbe replies;
    static Admin admin;

    private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

    @BeforeAll
    static void connect() {
        publisher = new EventPublisher();
        replies = EventProbe.on(Topics.AGENT_REPLIES);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()));
    }

    @AfterAll
    static void disconnect() {
        publisher.close();
        replies.close();
        admin.close();
    }

    @AfterEach
    void stopInstances() {
        instances.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void runsNoMoreThanMaxInFlightAtOncePausesWhileFullAndStillAnswersEverySubtask() {
        PacedAgent agent = new PacedAgent("paced");
        ConfigurableApplicationContext instance = start(agent, "agent.max-in-flight=2");
        MeterRegistry meters = instance.getBean(MeterRegistry.class);

        List<String> tasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tasks.add(publish(agent, "sleep 1500"));
        }

        ConcurrentMessageListenerContainer<?, ?> container =
                instance.getBean("agentRequestsContainer", ConcurrentMessageListenerContainer.class);
        await().atMost(Duration.ofSeconds(20)).until(() ->
                meters.get("agent.intake.paused").tag("agent", agent.name()).gauge().value() == 1
                        && container.isContainerPaused());
        for (String task : tasks) {
            replies.awaitEvent(SubtaskCompleted.class, r -> r.taskId().equals(task), Duration.ofSeconds(60));
        }
        assertThat(agent.mostAtOnce.get()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                meters.get("agent.intake.paused").tag("agent", agent.name()).gauge().value() == 0);
        assertThat(meters.get("agent.subtasks.in.flight").tag("agent", agent.name()).gauge().value()).isZero();
    }

    @Test
    void neverCommitsPastARunningSubtaskSoARestartRunsItAgain() throws Exception {
        PacedAgent first = new PacedAgent("restarted");
        // A drain timeout of zero: the stop abandons what runs, as a crash would.
        start(first, "agent.drain-timeout=0s");
        long warmOffset = publishOnPartitionZero(first, "warm up", Duration.ofSeconds(30)).offset;
        await().atMost(Duration.ofSeconds(20)).until(() -> committed(first) == warmOffset + 1);

        Published slow = publishOnPartitionZero(first, "sleep 60000", Duration.ofSeconds(120));
        Published fast = publishOnPartitionZero(first, "quick", Duration.ofSeconds(120));
        replies.awaitEvent(SubtaskCompleted.class, r -> r.taskId().equals(fast.taskId), Duration.ofSeconds(20));
        await().atMost(Duration.ofSeconds(10)).until(() -> first.started.contains(slow.taskId));

        // The fast one finished behind the running slow one; nothing past the slow one is committed.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> committed(first) == slow.offset);
        stop(0);
        assertThat(committed(first)).isEqualTo(slow.offset);

        PacedAgent second = new PacedAgent("restarted").sleepingAtMost(Duration.ofMillis(100));
        start(second, "agent.drain-timeout=0s");

        replies.awaitEvent(SubtaskCompleted.class, r -> r.taskId().equals(slow.taskId), Duration.ofSeconds(30));
        assertThat(second.started).contains(slow.taskId, fast.taskId);
        await().atMost(Duration.ofSeconds(20)).until(() -> committed(second) == fast.offset + 1);
    }

    @Test
    void commitsWhatFinishedOnTheAckTimerNotAfterEachSubtaskAndOnceMoreWhenItsPartitionsGo() throws Exception {
        PacedAgent agent = new PacedAgent("unhurried");
        start(agent, "mesh.kafka.ack-time=60s");
        long before = committed(agent);
        // One after the other: each arrival ends the container's poll, where it commits what was acknowledged.
        Published quick = null;
        for (int i = 0; i < 3; i++) {
            Published next = publishOnPartitionZero(agent, "quick", Duration.ofSeconds(30));
            replies.awaitEvent(SubtaskCompleted.class, r -> r.taskId().equals(next.taskId), Duration.ofSeconds(20));
            quick = next;
        }

        // Answered, and not committed: the first flush is a minute away.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> committed(agent) == before);
        stop(0);
        assertThat(committed(agent)).as("committed when the stopping instance's partitions were revoked")
                .isEqualTo(quick.offset + 1);
    }

    @Test
    void aStoppingInstanceFinishesWhatItRunsWithinTheDrainTimeoutAndCommitsIt() throws Exception {
        PacedAgent agent = new PacedAgent("drained");
        start(agent, "agent.drain-timeout=15s");
        Published task = publishOnPartitionZero(agent, "sleep 2000", Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(20)).until(() -> agent.started.contains(task.taskId));

        stop(0);

        assertThat(replies.events(SubtaskCompleted.class)).anyMatch(r -> r.taskId().equals(task.taskId));
        assertThat(committed(agent)).isEqualTo(task.offset + 1);
    }

    @Test
    void aRebalanceLetsTheRunningSubtaskFinishAndCommitsItSoTheNewOwnerDoesNotRunItAgain() throws Exception {
        PacedAgent first = new PacedAgent("rebalanced");
        PacedAgent second = new PacedAgent("rebalanced");
        start(first, "agent.drain-timeout=15s");
        Published task = publishOnPartitionZero(first, "sleep 8000", Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(20)).until(() -> first.started.contains(task.taskId));

        // A second instance joins the group: the first one's partitions are revoked while the subtask runs.
        start(second, "agent.drain-timeout=15s");
        replies.awaitEvent(SubtaskCompleted.class, r -> r.taskId().equals(task.taskId), Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(20)).until(() -> committed(first) == task.offset + 1);
        Published after = publishOnPartitionZero(first, "after the rebalance", Duration.ofSeconds(60));
        replies.awaitEvent(SubtaskCompleted.class, r -> r.taskId().equals(after.taskId), Duration.ofSeconds(30));

        assertThat(first.started.stream().filter(task.taskId::equals)).hasSize(1);
        assertThat(second.started).doesNotContain(task.taskId);
        assertThat(replies.events(SubtaskCompleted.class).stream().filter(r -> r.taskId().equals(task.taskId)))
                .hasSize(1);
    }

    @Test
    void commitsPastAPoisonRecordAloneOnItsPartitionWithoutWaitingForAnotherRecord() throws Exception {
        PacedAgent agent = new PacedAgent("poisoned");
        start(agent);
        try (EventProbe deadLetters = EventProbe.on(deadLetterTopic(agent))) {
            String key = "poison-" + UUID.randomUUID();
            long poison = publisher.publishRaw(Topics.requestsFor(agent.name()), 0, key, POISON);

            awaitDeadLetters(deadLetters, key, 1);

            // Nothing follows it on the partition, and its offset is committed all the same: the group has no lag.
            await().atMost(Duration.ofSeconds(10)).until(() -> committed(agent) == poison + 1);
            assertThat(endOffset(agent)).isEqualTo(poison + 1);
        }
    }

    @Test
    void aPoisonRecordBehindARunningSubtaskIsCommittedOnlyWithItAndARestartDoesNotDeadLetterItAgain()
            throws Exception {
        PacedAgent first = new PacedAgent("poisonbehind");
        start(first);
        long warm = publishOnPartitionZero(first, "warm up", Duration.ofSeconds(30)).offset;
        await().atMost(Duration.ofSeconds(20)).until(() -> committed(first) == warm + 1);
        try (EventProbe deadLetters = EventProbe.on(deadLetterTopic(first))) {
            Published held = publishOnPartitionZero(first, "hold", Duration.ofSeconds(120));
            await().atMost(Duration.ofSeconds(10)).until(() -> first.started.contains(held.taskId));
            String key = "poison-" + UUID.randomUUID();
            long poison = publisher.publishRaw(Topics.requestsFor(first.name()), 0, key, POISON);

            // Dead-lettered at once, while the subtask before it still runs; its offset is not committed past that.
            awaitDeadLetters(deadLetters, key, 1);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
                    .until(() -> committed(first) == held.offset);

            first.release();
            replies.awaitEvent(SubtaskCompleted.class, r -> r.taskId().equals(held.taskId), Duration.ofSeconds(20));
            await().atMost(Duration.ofSeconds(10)).until(() -> committed(first) == poison + 1);
            assertThat(endOffset(first)).isEqualTo(poison + 1);

            stop(0);
            PacedAgent second = new PacedAgent("poisonbehind");
            start(second);
            Published after = publishOnPartitionZero(second, "after the restart", Duration.ofSeconds(60));
            replies.awaitEvent(SubtaskCompleted.class, r -> r.taskId().equals(after.taskId), Duration.ofSeconds(30));

            // The restarted instance begins after the poison record: neither it nor the held subtask comes again.
            await().atMost(Duration.ofSeconds(10)).until(() -> committed(second) == after.offset + 1);
            assertThat(second.started).containsExactly(after.taskId);
            assertThat(deadLetters.records().stream().filter(r -> key.equals(r.key()))).hasSize(1);
        }
    }

    @Test
    void theReplyCarriesTheRequestsTraceOnThoughAWorkerThreadSendsIt() {
        PacedAgent agent = new PacedAgent("traced");
        start(agent);
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        String taskId = UUID.randomUUID().toString();
        publisher.publish(Topics.requestsFor(agent.name()), 0, taskId,
                subtask(agent, taskId, "quick", Duration.ofSeconds(30)),
                new RecordHeader("traceparent", ("00-" + traceId + "-b7ad6b7169203331-01").getBytes(UTF_8)));

        replies.awaitEvent(SubtaskCompleted.class, r -> r.taskId().equals(taskId), Duration.ofSeconds(20));

        Header traceparent = replies.records().stream().filter(r -> taskId.equals(r.key())).findFirst().orElseThrow()
                .headers().lastHeader("traceparent");
        assertThat(traceparent).isNotNull();
        assertThat(new String(traceparent.value(), UTF_8)).startsWith("00-" + traceId + "-");
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private ConfigurableApplicationContext start(PacedAgent agent, String... properties) {
        List<String> arguments = new ArrayList<>(List.of(
                "--spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(),
                "--spring.application.name=" + agent.name() + "-agent",
                "--agent.concurrency=1",
                "--spring.main.banner-mode=off"));
        for (String property : properties) {
            arguments.add("--" + property);
        }
        ConfigurableApplicationContext context = new SpringApplicationBuilder(PacedAgentApplication.class)
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("pacedAgent", agent))
                .web(WebApplicationType.NONE)
                .run(arguments.toArray(String[]::new));
        instances.add(context);
        @SuppressWarnings("unchecked")
        ConcurrentMessageListenerContainer<String, ?> container =
                context.getBean("agentRequestsContainer", ConcurrentMessageListenerContainer.class);
        ContainerTestUtils.waitForAssignment(container, instances.size() == 1 ? 6 : 3);
        return context;
    }

    private void stop(int index) {
        instances.remove(index).close();
    }

    private static String publish(PacedAgent agent, String text) {
        String taskId = UUID.randomUUID().toString();
        publisher.publish(Topics.requestsFor(agent.name()), 0, taskId, subtask(agent, taskId, text,
                Duration.ofSeconds(60)));
        return taskId;
    }

    private record Published(String taskId, long offset) {
    }

    private static Published publishOnPartitionZero(PacedAgent agent, String text, Duration within) {
        String taskId = UUID.randomUUID().toString();
        long offset = publisher.publish(Topics.requestsFor(agent.name()), 0, taskId,
                subtask(agent, taskId, text, within));
        return new Published(taskId, offset);
    }

    private static SubtaskRequested subtask(PacedAgent agent, String taskId, String text, Duration within) {
        return SubtaskRequested.of(taskId, "conversation-" + taskId, agent.name(), text, List.of(), List.of(), 1,
                Instant.now().plus(within));
    }

    private static String deadLetterTopic(PacedAgent agent) {
        return Topics.deadLetterFor(Topics.requestsFor(agent.name()));
    }

    private static void awaitDeadLetters(EventProbe deadLetters, String key, int count) {
        await().atMost(Duration.ofSeconds(20)).until(() -> deadLetters.records().stream()
                .filter(r -> key.equals(r.key())).count() == count);
    }

    /** The offset after the last record on partition 0 of the agent's request topic. */
    private static long endOffset(PacedAgent agent) throws Exception {
        TopicPartition partition = new TopicPartition(Topics.requestsFor(agent.name()), 0);
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                .get(10, TimeUnit.SECONDS).offset();
    }

    /** The committed offset of the agent's group on partition 0 of its request topic; -1 when none. */
    private static long committed(PacedAgent agent) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin
                .listConsumerGroupOffsets(AgentAutoConfiguration.consumerGroup(agent.name()))
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        OffsetAndMetadata offset = offsets.get(new TopicPartition(Topics.requestsFor(agent.name()), 0));
        return offset == null ? -1 : offset.offset();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class PacedAgentApplication {
    }

    /**
     * Answers {@code sleep <ms>} after that long (or its cap), {@code hold} once the test {@link #release releases}
     * it, anything else at once; counts what runs at once.
     */
    static final class PacedAgent implements Agent {

        private final String name;
        private final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        final List<String> started = new CopyOnWriteArrayList<>();
        private final CountDownLatch released = new CountDownLatch(1);
        private Duration cap = Duration.ofHours(1);

        PacedAgent(String name) {
            this.name = name;
        }

        void release() {
            released.countDown();
        }

        PacedAgent sleepingAtMost(Duration cap) {
            this.cap = cap;
            return this;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String description() {
            return "Answers after the time it is asked to wait";
        }

        @Override
        public List<AgentSkill> skills() {
            return List.of();
        }

        @Override
        public String handle(AgentRequest request) throws InterruptedException {
            started.add(request.taskId());
            int now = running.incrementAndGet();
            mostAtOnce.accumulateAndGet(now, Math::max);
            try {
                if (request.text().startsWith("sleep ")) {
                    long asked = Long.parseLong(request.text().substring("sleep ".length()));
                    Thread.sleep(Math.min(asked, cap.toMillis()));
                } else if (request.text().equals("hold")) {
                    released.await();
                }
                return request.text().toUpperCase();
            } finally {
                running.decrementAndGet();
            }
        }
    }
}
