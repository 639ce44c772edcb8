package dev.agentmesh.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Reads topics without a consumer group, on one thread: the partitions it is told to read are assigned (no
 * rebalancing when instances come and go, no offsets kept), each from the start or from the end, and partitions
 * that appear later are followed. Every service that must see a topic (or one partition of it) on every instance
 * uses this: the gateway for its replies and the registry, the manager for the registry.
 * <p>
 * A handler that throws costs that record only (it is logged and skipped). If reading itself fails (the consumer
 * throws), the reader closes its consumer, reports itself down and starts a new consumer after a backoff that
 * doubles up to the maximum; the new consumer goes on from the positions the old one had reached, so nothing that
 * arrived meanwhile is lost. {@link #health()} is out of service until every source has its partitions, down while
 * a source names a partition its topic does not have, while it waits to restart, and once stopped.
 */
public final class GrouplessReader {

    private static final Logger log = LoggerFactory.getLogger(GrouplessReader.class);
    private static final Duration ASSIGNMENT_REFRESH = Duration.ofSeconds(5);
    private static final long METRICS_REFRESH_SECONDS = 5;

    /** Where a new partition starts. */
    public enum Start { BEGINNING, END }

    /**
     * What to read: one topic from the start or the end, all its partitions or one.
     *
     * @param partition null: every partition, else only this one
     */
    public record Source(String topic, Start start, Integer partition) {

        public Source {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(start, "start");
            if (partition != null && partition < 0) {
                throw new IllegalArgumentException("partition must be 0 or higher, was " + partition);
            }
        }

        public static Source fromBeginning(String topic) {
            return new Source(topic, Start.BEGINNING, null);
        }

        public static Source fromEnd(String topic) {
            return new Source(topic, Start.END, null);
        }

        public static Source partitionFromEnd(String topic, int partition) {
            return new Source(topic, Start.END, partition);
        }
    }

    /** What the reader does with what it reads, on its thread. */
    public interface Handler {

        void record(ConsumerRecord<String, byte[]> record);

        /** After the records of one poll (possibly none). */
        default void afterBatch() {
        }

        /** Reading failed; a new consumer starts after {@code backoff}. */
        default void restarting(RuntimeException failure, Duration backoff) {
        }
    }

    private final String name;
    private final Supplier<Consumer<String, byte[]>> consumers;
    private final List<Source> sources;
    private final Handler handler;
    private final MeterRegistry meters;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    /** Where to go on after a restart: the next offset of every partition read so far. Reader thread only. */
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private KafkaClientMetrics clientMetrics;
    private ScheduledExecutorService metricsRefresh;
    private volatile Consumer<String, byte[]> consumer;
    private volatile boolean running;
    private volatile Health status;
    private final Object pauses = new Object();
    private Thread reader;

    /**
     * @param meters where the consumer's client metrics go (records and bytes consumed, lag, …); null: nowhere
     */
    public GrouplessReader(String name, Supplier<Consumer<String, byte[]>> consumers, List<Source> sources,
                           Handler handler, MeterRegistry meters, Duration firstBackoff, Duration maxBackoff) {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException(name + ": nothing to read");
        }
        this.name = name;
        this.consumers = consumers;
        this.sources = List.copyOf(sources);
        this.handler = handler;
        this.meters = meters;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.status = starting();
    }

    /**
     * Consumers for a reader: the service's Kafka settings without a group id, offsets never committed, topics never
     * auto-created, new partitions seen within 5 s ({@code metadata.max.age.ms} unless set), {@code client.id} =
     * {@code clientId}, and {@code defaults} for what the service's settings leave unset.
     */
    public static Supplier<Consumer<String, byte[]>> consumers(KafkaProperties kafka, String clientId,
                                                               Map<String, Object> defaults) {
        Map<String, Object> properties = kafka.buildConsumerProperties();
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        properties.putIfAbsent(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 5_000);
        defaults.forEach(properties::putIfAbsent);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return () -> new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
    }

    public void start() {
        running = true;
        reader = Thread.ofPlatform().name(name).daemon().start(this::supervise);
    }

    /**
     * Wakes the consumer up and ends a pause, without interrupting the thread: an interrupt would cut short the
     * consumer's close (its fetch sessions), which Kafka logs as an error.
     */
    public void stop() {
        running = false;
        Consumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        synchronized (pauses) {
            pauses.notifyAll();
        }
        if (reader != null) {
            try {
                reader.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reader = null;
        }
    }

    public boolean isRunning() {
        return running;
    }

    public Health health() {
        return status;
    }

    /** Runs the reader, and starts it again after a failure until it is stopped. */
    private void supervise() {
        Duration backoff = firstBackoff;
        try {
            while (running) {
                long started = System.nanoTime();
                try {
                    read();
                    return;
                } catch (RuntimeException e) {
                    if (!running) {
                        return;
                    }
                    if (Duration.ofNanos(System.nanoTime() - started).compareTo(maxBackoff) > 0) {
                        backoff = firstBackoff; // it had been reading fine for a while: a new failure, not a loop
                    }
                    status = Health.down().withDetail("reason", "restarting after " + e.getClass().getSimpleName())
                            .withDetail("retryInMs", backoff.toMillis()).build();
                    log.error("{}: reading Kafka failed; restarting in {} ms: {}", name, backoff.toMillis(),
                            e.toString(), e);
                    handler.restarting(e, backoff);
                    pause(backoff);
                    backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
                    status = starting();
                }
            }
        } catch (InterruptedException | InterruptException e) {
            Thread.currentThread().interrupt();
        } catch (Error e) {
            log.error("{}: the Kafka reader died and will not restart", name, e);
            throw e;
        } finally {
            status = Health.down().withDetail("reason", "stopped").build();
        }
    }

    /** One consumer's life: returns when stopped, throws when reading fails. */
    private void read() throws InterruptedException {
        try (Consumer<String, byte[]> kafka = consumers.get()) {
            consumer = kafka;
            bindMetrics(kafka);
            long nextRefresh = 0;
            while (running) {
                if (System.nanoTime() >= nextRefresh) {
                    refreshAssignment(kafka);
                    nextRefresh = System.nanoTime() + ASSIGNMENT_REFRESH.toNanos();
                }
                if (kafka.assignment().isEmpty()) {
                    pause(Duration.ofMillis(200));
                    continue;
                }
                for (ConsumerRecord<String, byte[]> record : kafka.poll(Duration.ofMillis(100))) {
                    handle(record);
                    positions.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
                }
                handler.afterBatch();
            }
        } catch (WakeupException | InterruptException e) {
            if (running) {
                throw e;
            }
            // stop() woke the consumer up
        } finally {
            consumer = null;
            closeMetrics();
        }
    }

    /** Waits, unless stopped meanwhile. */
    private void pause(Duration duration) throws InterruptedException {
        long until = System.nanoTime() + duration.toNanos();
        synchronized (pauses) {
            for (long left = duration.toMillis(); running && left > 0;
                 left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())) {
                pauses.wait(left);
            }
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        try {
            handler.record(record);
        } catch (RuntimeException e) {
            log.error("{}: skipped the record at {}-{}@{} that failed: {}", name, record.topic(), record.partition(),
                    record.offset(), e.getClass().getSimpleName(), e);
        }
    }

    /**
     * Per-topic and per-partition client metrics exist only once the consumer has fetched; they are looked for every
     * {@value #METRICS_REFRESH_SECONDS} s (Micrometer's default is a minute).
     */
    private void bindMetrics(Consumer<String, byte[]> kafka) {
        if (meters != null) {
            metricsRefresh = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name(name + "-metrics").daemon().factory());
            clientMetrics = new KafkaClientMetrics(kafka, Tags.empty(), metricsRefresh,
                    Duration.ofSeconds(METRICS_REFRESH_SECONDS));
            clientMetrics.bindTo(meters);
        }
    }

    private void closeMetrics() {
        if (clientMetrics != null) {
            clientMetrics.close();
            clientMetrics = null;
            metricsRefresh.shutdownNow();
            metricsRefresh = null;
        }
    }

    private Health starting() {
        return Health.outOfService().withDetail("reason", "waiting for the partitions of "
                + String.join(", ", sources.stream().map(Source::topic).distinct().toList())).build();
    }

    /** Follows new partitions and topics that appear after start; never moves existing positions. */
    private void refreshAssignment(Consumer<String, byte[]> kafka) {
        Set<TopicPartition> current = new HashSet<>(kafka.assignment());
        List<TopicPartition> fresh = new ArrayList<>();
        List<TopicPartition> all = new ArrayList<>(current);
        Map<TopicPartition, Start> starts = new HashMap<>();
        List<String> waiting = new ArrayList<>();
        String missing = null;
        for (Source source : sources) {
            List<PartitionInfo> partitions;
            try {
                partitions = kafka.partitionsFor(source.topic(), Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                log.debug("{}: no metadata for {} yet: {}", name, source.topic(), e.toString());
                partitions = List.of();
            }
            partitions = partitions == null ? List.of() : partitions;
            boolean found = false;
            for (PartitionInfo info : partitions) {
                if (source.partition() != null && source.partition() != info.partition()) {
                    continue;
                }
                found = true;
                TopicPartition partition = new TopicPartition(source.topic(), info.partition());
                starts.put(partition, source.start());
                if (!current.contains(partition)) {
                    fresh.add(partition);
                    all.add(partition);
                }
            }
            if (!found && !partitions.isEmpty()) {
                missing = source.topic() + " has no partition " + source.partition() + " (it has " + partitions.size()
                        + ")";
            } else if (!found) {
                waiting.add(source.topic());
            }
        }
        if (!fresh.isEmpty()) {
            kafka.assign(all);
            List<TopicPartition> resumed = fresh.stream().filter(positions::containsKey).toList();
            List<TopicPartition> unread = fresh.stream().filter(p -> !positions.containsKey(p)).toList();
            resumed.forEach(partition -> kafka.seek(partition, positions.get(partition)));
            // never with an empty list: the consumer takes that as every assigned partition
            List<TopicPartition> toEnd = unread.stream().filter(p -> starts.get(p) == Start.END).toList();
            List<TopicPartition> toBeginning = unread.stream().filter(p -> starts.get(p) == Start.BEGINNING).toList();
            if (!toEnd.isEmpty()) {
                kafka.seekToEnd(toEnd);
            }
            if (!toBeginning.isEmpty()) {
                kafka.seekToBeginning(toBeginning);
            }
            fresh.forEach(partition -> positions.put(partition, kafka.position(partition)));
            log.info("{}: reading {} new partitions ({} in all): {}", name, fresh.size(), all.size(), fresh);
        }
        Health previous = status;
        if (missing != null) {
            status = Health.down().withDetail("reason", missing).build();
            if (!missing.equals(previous.getDetails().get("reason"))) {
                log.error("{}: {}; nothing arrives for it until the topic has that partition", name, missing);
            }
        } else if (waiting.isEmpty()) {
            status = Health.up().withDetail("partitions", all.size()).build();
        }
    }
}
