package dev.agentmesh.testing;

import dev.agentmesh.events.Event;
import dev.agentmesh.events.EventCodec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import org.awaitility.Awaitility;

/**
 * Reads every partition of one topic from its current end (no consumer group) in the background and keeps
 * what arrives, raw and decoded, for assertions. Open it before the action under test.
 */
public final class EventProbe implements AutoCloseable {

    private final String topic;
    private final List<ConsumerRecord<String, byte[]>> records = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile boolean running = true;

    private EventProbe(String bootstrapServers, String topic) {
        this.topic = topic;
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10,
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, 500));
        List<TopicPartition> partitions = partitionsOf(consumer, topic);
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        this.reader = Thread.ofPlatform().daemon().name("probe-" + topic).start(() -> {
            try (consumer) {
                long nextPartitionCheck = 0;
                while (running) {
                    consumer.poll(Duration.ofMillis(50)).forEach(records::add);
                    if (System.nanoTime() > nextPartitionCheck) {
                        followNewPartitions(consumer);
                        nextPartitionCheck = System.nanoTime() + 200_000_000L;
                    }
                }
            }
        });
    }

    /** Starts reading {@code topic} (creating it if the broker auto-creates topics) from its current end. */
    public static EventProbe on(String topic) {
        return new EventProbe(TestKafka.bootstrapServers(), topic);
    }

    public List<ConsumerRecord<String, byte[]>> records() {
        return List.copyOf(records);
    }

    /** Every record that decodes as an event of {@code type}, in arrival order. */
    public <T extends Event> List<T> events(Class<T> type) {
        List<T> events = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                Event event = EventCodec.decode(record.value());
                if (type.isInstance(event)) {
                    events.add(type.cast(event));
                }
            } catch (RuntimeException notAnEvent) {
                // raw records stay available through records()
            }
        }
        return events;
    }

    /** Waits until an event of {@code type} matching {@code condition} arrived, and returns the first. */
    public <T extends Event> T awaitEvent(Class<T> type, Predicate<T> condition, Duration atMost) {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(20)).until(
                () -> events(type).stream().anyMatch(condition));
        return events(type).stream().filter(condition).findFirst().orElseThrow();
    }

    public String topic() {
        return topic;
    }

    @Override
    public void close() {
        running = false;
        try {
            reader.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A topic auto-created by this probe may get more partitions later, when a service declares it. */
    private void followNewPartitions(KafkaConsumer<String, byte[]> consumer) {
        List<TopicPartition> current = consumer.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        if (current.size() > consumer.assignment().size()) {
            List<TopicPartition> added = current.stream().filter(p -> !consumer.assignment().contains(p)).toList();
            consumer.assign(current);
            consumer.seekToBeginning(added);
        }
    }

    private static List<TopicPartition> partitionsOf(KafkaConsumer<?, ?> consumer, String topic) {
        List<PartitionInfo> infos = Awaitility.await().atMost(Duration.ofSeconds(30)).until(
                () -> consumer.partitionsFor(topic, Duration.ofSeconds(5)), list -> list != null && !list.isEmpty());
        return infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
    }
}
