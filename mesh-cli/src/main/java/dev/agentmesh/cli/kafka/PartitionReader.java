package dev.agentmesh.cli.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Reads what partitions hold now, group-less: assigned, sought to the start (or to a time), read up to the end
 * offsets taken when the read began, never committed. Records written meanwhile are not waited for.
 */
public final class PartitionReader implements AutoCloseable {

    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaConsumer<byte[], byte[]> consumer;

    public PartitionReader(KafkaConnection connection) {
        this.consumer = connection.groupLessConsumer();
    }

    /** The topic's partitions, or empty when the topic does not exist. */
    public List<TopicPartition> partitionsOf(String topic) {
        Map<String, List<PartitionInfo>> topics = consumer.listTopics(METADATA_TIMEOUT);
        List<PartitionInfo> infos = topics.get(topic);
        if (infos == null) {
            return List.of();
        }
        return infos.stream().map(info -> new TopicPartition(topic, info.partition()))
                .sorted(java.util.Comparator.comparingInt(TopicPartition::partition)).toList();
    }

    /** Every topic name the cluster shows this client. */
    public List<String> topics() {
        return consumer.listTopics(METADATA_TIMEOUT).keySet().stream().sorted().toList();
    }

    /**
     * The partition every writer in the mesh puts {@code key} in: they all use Kafka's default partitioner on the
     * UTF-8 key, except the manager's replies on agent-results, which go to the partition their task named
     * ({@code replyPartition}). Empty when the topic does not exist.
     */
    public Optional<TopicPartition> partitionForKey(String topic, String key) {
        return partitionForKey(topic, key.getBytes(StandardCharsets.UTF_8));
    }

    /** The same for a key as it is on the wire. */
    public Optional<TopicPartition> partitionForKey(String topic, byte[] key) {
        List<TopicPartition> partitions = partitionsOf(topic);
        if (partitions.isEmpty()) {
            return Optional.empty();
        }
        int partition = Utils.toPositive(Utils.murmur2(key)) % partitions.size();
        return Optional.of(new TopicPartition(topic, partition));
    }

    /**
     * The records of {@code partitions} from {@code since} (null: from the start) to the end offsets as they are now,
     * that {@code keep} accepts, in offset order per partition.
     */
    public List<ConsumerRecord<byte[], byte[]>> read(List<TopicPartition> partitions, Instant since,
                                                     Predicate<ConsumerRecord<byte[], byte[]>> keep) {
        if (partitions.isEmpty()) {
            return List.of();
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, METADATA_TIMEOUT);
        Map<TopicPartition, Long> start = new HashMap<>(consumer.beginningOffsets(partitions, METADATA_TIMEOUT));
        if (since != null) {
            Map<TopicPartition, Long> times = new HashMap<>();
            partitions.forEach(partition -> times.put(partition, since.toEpochMilli()));
            for (Map.Entry<TopicPartition, OffsetAndTimestamp> found
                    : consumer.offsetsForTimes(times, METADATA_TIMEOUT).entrySet()) {
                start.put(found.getKey(), found.getValue() == null ? end.get(found.getKey())
                        : Math.max(start.get(found.getKey()), found.getValue().offset()));
            }
        }
        List<TopicPartition> pending = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            if (start.get(partition) < end.get(partition)) {
                pending.add(partition);
            }
        }
        List<ConsumerRecord<byte[], byte[]>> kept = new ArrayList<>();
        if (pending.isEmpty()) {
            return kept;
        }
        consumer.assign(pending);
        pending.forEach(partition -> consumer.seek(partition, start.get(partition)));
        long giveUp = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (!pending.isEmpty()) {
            if (System.nanoTime() > giveUp) {
                throw new IllegalStateException("reading " + pending + " took longer than " + READ_TIMEOUT.toSeconds()
                        + " s");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                if (record.offset() < end.get(partition) && keep.test(record)) {
                    kept.add(record);
                }
            }
            // a position can pass the end without a record at it (transaction markers, compaction)
            if (pending.removeIf(partition -> consumer.position(partition, METADATA_TIMEOUT) >= end.get(partition))) {
                consumer.assign(pending);
            }
        }
        consumer.assign(List.of());
        return kept;
    }

    /** The one record at {@code offset}, or empty when the partition no longer (or not yet) holds it. */
    public Optional<ConsumerRecord<byte[], byte[]>> recordAt(TopicPartition partition, long offset) {
        long begin = consumer.beginningOffsets(List.of(partition), METADATA_TIMEOUT).get(partition);
        long end = consumer.endOffsets(List.of(partition), METADATA_TIMEOUT).get(partition);
        if (offset < begin || offset >= end) {
            return Optional.empty();
        }
        consumer.assign(List.of(partition));
        consumer.seek(partition, offset);
        long giveUp = System.nanoTime() + READ_TIMEOUT.toNanos();
        try {
            while (consumer.position(partition, METADATA_TIMEOUT) <= offset) {
                if (System.nanoTime() > giveUp) {
                    throw new IllegalStateException("reading " + partition + "@" + offset + " timed out");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() == offset) {
                        return Optional.of(record);
                    }
                    if (record.offset() > offset) {
                        return Optional.empty(); // compacted away
                    }
                }
            }
            return Optional.empty();
        } finally {
            consumer.assign(List.of());
        }
    }

    @Override
    public void close() {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
