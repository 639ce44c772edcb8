package dev.agentmesh.benchmarks;

import dev.agentmesh.events.AgentReply;
import dev.agentmesh.events.Event;
import dev.agentmesh.events.SubtaskRequested;
import dev.agentmesh.events.kafka.EventDeserializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The records the measured tasks left on the topics between the client and the agents (agent-plans, the agents'
 * request topics, agent-replies), read after the tasks ran instead of while they run. A consumer reading them live
 * wakes on each of a task's records and takes CPU from the services on the same two cores: with four such topics
 * read live, the mesh overhead's p50 was 1.5–2.5 ms higher than without, measured side by side (see RESULTS.md).
 * Only the records' own timestamps are used, which their producers set.
 */
final class TaskRecords {

    /**
     * One of a task's records: its topic, its timestamp (epoch ms, set by its producer) and the agent it is for or
     * from (null on agent-plans).
     */
    record Seen(String topic, long createdAtMillis, String agent) {
    }

    private final String bootstrapServers;
    private final Map<TopicPartition, Long> from;

    private TaskRecords(String bootstrapServers, Map<TopicPartition, Long> from) {
        this.bootstrapServers = bootstrapServers;
        this.from = from;
    }

    /** Marks where {@code topics} end now; {@link #read} returns what was written to them after this. */
    static TaskRecords markEnd(String bootstrapServers, List<String> topics) {
        try (KafkaConsumer<String, Event> consumer = consumer(bootstrapServers)) {
            List<TopicPartition> partitions = topics.stream()
                    .flatMap(topic -> consumer.partitionsFor(topic).stream())
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            return new TaskRecords(bootstrapServers, Map.copyOf(consumer.endOffsets(partitions)));
        }
    }

    /** Every record written since the mark, by key (the task id), in offset order per partition. */
    Map<String, List<Seen>> read() {
        Map<String, List<Seen>> byTask = new HashMap<>();
        try (KafkaConsumer<String, Event> consumer = consumer(bootstrapServers)) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            Map<TopicPartition, Long> to = consumer.endOffsets(from.keySet());
            long giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (to.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
                if (System.nanoTime() > giveUp) {
                    throw new IllegalStateException("the tasks' records could not be read back within 60 s");
                }
                for (ConsumerRecord<String, Event> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.key() != null) {
                        byTask.computeIfAbsent(record.key(), key -> new ArrayList<>())
                                .add(new Seen(record.topic(), record.timestamp(), agentOf(record.value())));
                    }
                }
            }
        }
        return byTask;
    }

    private static KafkaConsumer<String, Event> consumer(String bootstrapServers) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000),
                new StringDeserializer(), new EventDeserializer());
    }

    private static String agentOf(Event event) {
        return switch (event) {
            case SubtaskRequested subtask -> subtask.agent();
            case AgentReply reply -> reply.agent();
            case null, default -> null;
        };
    }
}
