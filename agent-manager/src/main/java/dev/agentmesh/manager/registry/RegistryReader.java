package dev.agentmesh.manager.registry;

import dev.agentmesh.events.AgentRegistered;
import dev.agentmesh.events.Event;
import dev.agentmesh.events.EventCodec;
import dev.agentmesh.events.InvalidEventException;
import dev.agentmesh.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Reads the whole compacted registry topic from the start, without a consumer group (every manager instance
 * needs every heartbeat), and keeps {@link AgentDirectory} current. A record that is not a registration goes to
 * the registry's dead-letter topic.
 */
@Component
class RegistryReader implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RegistryReader.class);

    private final AgentDirectory directory;
    private final KafkaProperties kafka;
    private final KafkaTemplate<String, Object> deadLetterTemplate;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread thread;
    private volatile boolean stopping;

    RegistryReader(AgentDirectory directory, KafkaProperties kafka, KafkaTemplate<String, Object> deadLetterTemplate) {
        this.directory = directory;
        this.kafka = kafka;
        this.deadLetterTemplate = deadLetterTemplate;
    }

    @Override
    public void start() {
        Map<String, Object> properties = kafka.buildConsumerProperties();
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 5_000);
        consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
        stopping = false;
        thread = Thread.ofPlatform().daemon().name("registry-reader").start(this::readForever);
    }

    private void readForever() {
        try {
            List<TopicPartition> assigned = List.of();
            while (!stopping) {
                assigned = followPartitions(assigned);
                if (assigned.isEmpty()) {
                    Thread.sleep(500);
                    continue;
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    read(record);
                }
                directory.announceChanges();
            }
        } catch (WakeupException | InterruptException | InterruptedException stopping) {
            // stop() was called
        } catch (RuntimeException e) {
            log.error("Registry reader stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private List<TopicPartition> followPartitions(List<TopicPartition> assigned) {
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.AGENT_REGISTRY, Duration.ofSeconds(5))
                .stream().map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        if (partitions.size() != assigned.size()) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions.stream().filter(p -> !assigned.contains(p)).toList());
        }
        return partitions;
    }

    private void read(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            directory.forget(record.key());
            return;
        }
        try {
            Event event = EventCodec.decode(record.value());
            if (!(event instanceof AgentRegistered registered)) {
                throw new InvalidEventException("expected agent-registered, got " + event.getClass().getSimpleName());
            }
            directory.heard(registered);
        } catch (InvalidEventException e) {
            log.warn("Dead-lettering registry record at offset {}: {}", record.offset(), e.getMessage());
            deadLetterTemplate.send(Topics.deadLetterFor(Topics.AGENT_REGISTRY), record.key(), record.value());
        }
    }

    @Override
    public void stop() {
        Thread running = thread;
        if (running != null) {
            stopping = true;
            consumer.wakeup();
            try {
                running.join(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    @Override
    public boolean isRunning() {
        return thread != null;
    }

    /** Read the registry before the aggregation starts taking tasks. */
    @Override
    public int getPhase() {
        return 0;
    }
}
