package dev.agentmesh.gateway.tasks;

import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.EventCodec;
import dev.agentmesh.events.TaskPlanned;
import dev.agentmesh.events.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's Kafka reader on Kafka's {@link MockConsumer}: it survives a session that throws, and restarts
 * after its consumer fails, reporting itself down meanwhile and losing no result.
 */
class KafkaInboxTests {

    private static final String INSTANCE = "gateway-test";
    private static final TopicPartition RESULTS = new TopicPartition(Topics.AGENT_RESULTS, 0);
    private static final int RESULTS_PARTITIONS = 3;

    private final List<ReaderConsumer> consumers = new CopyOnWriteArrayList<>();
    private final TaskRoutes routes = new TaskRoutes();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private KafkaInbox inbox;
    /** Where agent-results ends when the next consumer starts. */
    private volatile long resultsEnd = 0;

    /** A mock consumer whose empty polls take a moment, as a real one's do, instead of spinning. */
    static final class ReaderConsumer extends MockConsumer<String, byte[]> {
        ReaderConsumer(long resultsEnd) {
            super("latest");
            for (String topic : List.of(Topics.AGENT_RESULTS, Topics.CONVERSATION_EVENTS, Topics.AGENT_REGISTRY)) {
                int count = topic.equals(Topics.AGENT_RESULTS) ? RESULTS_PARTITIONS : 1;
                List<PartitionInfo> infos = new java.util.ArrayList<>();
                for (int p = 0; p < count; p++) {
                    infos.add(new PartitionInfo(topic, p, Node.noNode(), new Node[0], new Node[0]));
                    TopicPartition partition = new TopicPartition(topic, p);
                    updateBeginningOffsets(Map.of(partition, 0L));
                    updateEndOffsets(Map.of(partition, partition.equals(RESULTS) ? resultsEnd : 0L));
                }
                updatePartitions(topic, infos);
            }
        }

        @Override
        public ConsumerRecords<String, byte[]> poll(Duration timeout) {
            ConsumerRecords<String, byte[]> records = super.poll(timeout);
            if (records.isEmpty()) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            return records;
        }
    }

    @AfterEach
    void stopInbox() {
        if (inbox != null) {
            inbox.stop();
        }
    }

    @Test
    void aSessionThatThrowsCostsOnlyItsOwnResult() {
        List<String> delivered = new CopyOnWriteArrayList<>();
        routes.register("t-broken", listener(taskId -> {
            throw new IllegalStateException("session bug");
        }));
        routes.register("t-fine", listener(delivered::add));
        start(Duration.ofMillis(50));

        publish(consumers.getFirst(), 0, "t-broken");
        publish(consumers.getFirst(), 1, "t-fine");

        await().atMost(Duration.ofSeconds(5)).until(() -> delivered.contains("t-fine"));
        assertThat(inbox.health().getStatus()).isEqualTo(Status.UP);
        assertThat(consumers).hasSize(1);
        assertThat(meters.get("gateway.inbox.listener.errors").counter().count()).isEqualTo(1);
    }

    @Test
    void restartsAfterTheConsumerFailsReportsDownMeanwhileAndDeliversWhatArrived() {
        List<String> delivered = new CopyOnWriteArrayList<>();
        routes.register("t-before", listener(delivered::add));
        routes.register("t-during", listener(delivered::add));
        start(Duration.ofMillis(600));
        publish(consumers.getFirst(), 0, "t-before");
        await().atMost(Duration.ofSeconds(5)).until(() -> delivered.contains("t-before"));

        // the next result is written while the reader is down: a reader that started from the end would miss it
        resultsEnd = 2;
        consumers.getFirst().setPollException(new KafkaException("the broker said no"));

        await().atMost(Duration.ofSeconds(5)).until(() -> inbox.health().getStatus().equals(Status.DOWN));
        assertThat(inbox.health().getDetails()).containsEntry("reason", "restarting after KafkaException")
                .containsEntry("retryInMs", 600L);
        await().atMost(Duration.ofSeconds(5)).until(() -> consumers.size() == 2);
        publishAfterAssignment(consumers.get(1), 1, "t-during");

        await().atMost(Duration.ofSeconds(5)).until(() -> delivered.contains("t-during"));
        await().atMost(Duration.ofSeconds(5)).until(() -> inbox.health().getStatus().equals(Status.UP));
        assertThat(delivered).containsExactly("t-before", "t-during");
        assertThat(meters.get("gateway.inbox.restarts").counter().count()).isEqualTo(1);
    }

    @Test
    void waitsLongerAfterEachFailureInARow() {
        start(Duration.ofMillis(100));

        consumers.getFirst().setPollException(new KafkaException("first"));
        await().atMost(Duration.ofSeconds(5)).until(() -> consumers.size() == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> inbox.health().getStatus().equals(Status.UP));
        consumers.get(1).setPollException(new KafkaException("second"));

        await().atMost(Duration.ofSeconds(5)).until(() -> inbox.health().getStatus().equals(Status.DOWN));
        assertThat(inbox.health().getDetails()).containsEntry("retryInMs", 200L);
        await().atMost(Duration.ofSeconds(5)).until(() -> consumers.size() == 3
                && inbox.health().getStatus().equals(Status.UP));
    }

    @Test
    void readsOnlyItsOwnPartitionOfAgentResultsAndTheRegistry() {
        start(Duration.ofMillis(50), 0);

        assertThat(consumers.getFirst().assignment()).containsExactlyInAnyOrder(RESULTS,
                new TopicPartition(Topics.AGENT_REGISTRY, 0));
        assertThat(inbox.health().getDetails()).containsEntry("replyPartition", 0);
    }

    @Test
    void aReplyNamingAnotherInstanceIsCountedAndNotDelivered() {
        List<String> delivered = new CopyOnWriteArrayList<>();
        routes.register("t-shared", listener(delivered::add));
        routes.register("t-mine", listener(delivered::add));
        start(Duration.ofMillis(50), 0);

        ReaderConsumer consumer = consumers.getFirst();
        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(Topics.AGENT_RESULTS, 0, 0, "t-shared",
                EventCodec.encode(AgentTaskCompleted.of("t-shared", "c-1", "gateway-twin", 0,
                        List.of(AgentOutcome.answered("weather", "sunny", 5, 1)), 5)))));
        publish(consumer, 1, "t-mine");

        await().atMost(Duration.ofSeconds(5)).until(() -> delivered.contains("t-mine"));
        assertThat(delivered).containsExactly("t-mine");
        assertThat(meters.get("gateway.replies.foreign").counter().count()).isEqualTo(1);
    }

    @Test
    void aReplyPartitionTheTopicDoesNotHaveKeepsItDownAndSaysWhy() {
        inbox = inbox(Duration.ofMillis(50), RESULTS_PARTITIONS + 2);
        inbox.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> inbox.health().getStatus().equals(Status.DOWN));
        assertThat(inbox.health().getDetails()).containsEntry("reason", Topics.AGENT_RESULTS + " has no partition "
                + (RESULTS_PARTITIONS + 2) + " (it has " + RESULTS_PARTITIONS + ")");
    }

    private void start(Duration firstBackoff) {
        start(firstBackoff, 0);
    }

    private void start(Duration firstBackoff, int partition) {
        inbox = inbox(firstBackoff, partition);
        inbox.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> inbox.health().getStatus().equals(Status.UP));
    }

    private KafkaInbox inbox(Duration firstBackoff, int partition) {
        return new KafkaInbox(() -> {
            ReaderConsumer consumer = new ReaderConsumer(resultsEnd);
            consumers.add(consumer);
            return consumer;
        }, new ReplyAddress(INSTANCE, partition), routes, new AgentCatalog(Duration.ofSeconds(20), Clock.systemUTC()),
                meters, firstBackoff, Duration.ofSeconds(5));
    }

    /** Runs on the reader's thread, inside its next poll, as a record arriving from the broker would. */
    private static void publish(ReaderConsumer consumer, long offset, String taskId) {
        consumer.schedulePollTask(() -> consumer.addRecord(result(offset, taskId)));
    }

    /** The record is added once the restarted reader has assigned (and positioned) the partition. */
    private static void publishAfterAssignment(ReaderConsumer consumer, long offset, String taskId) {
        consumer.schedulePollTask(() -> {
            assertThat(consumer.assignment()).contains(RESULTS);
            consumer.addRecord(result(offset, taskId));
        });
    }

    private static ConsumerRecord<String, byte[]> result(long offset, String taskId) {
        return new ConsumerRecord<>(Topics.AGENT_RESULTS, 0, offset, taskId, EventCodec.encode(AgentTaskCompleted.of(
                taskId, "c-" + taskId, INSTANCE, List.of(AgentOutcome.answered("weather", "sunny", 5, 1)), 5)));
    }

    private static TaskListener listener(java.util.function.Consumer<String> onResult) {
        return new TaskListener() {
            @Override
            public void planned(TaskPlanned plan) {
            }

            @Override
            public void completed(AgentTaskCompleted result) {
                onResult.accept(result.taskId());
            }
        };
    }
}
