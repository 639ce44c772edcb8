package dev.agentmesh.manager.registry;

import dev.agentmesh.events.AgentRegistered;
import dev.agentmesh.events.Event;
import dev.agentmesh.events.EventCodec;
import dev.agentmesh.events.InvalidEventException;
import dev.agentmesh.events.Topics;
import dev.agentmesh.kafka.GrouplessReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * needs every heartbeat; {@link GrouplessReader}, which restarts it with a backoff if reading fails), and keeps
 * {@link AgentDirectory} current. A record that is not a registration goes to the registry's dead-letter topic.
 */
@Component
class RegistryReader implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RegistryReader.class);

    private final AgentDirectory directory;
    private final KafkaTemplate<String, Object> deadLetterTemplate;
    private final GrouplessReader reader;

    RegistryReader(AgentDirectory directory, KafkaProperties kafka, KafkaTemplate<String, Object> deadLetterTemplate) {
        this.directory = directory;
        this.deadLetterTemplate = deadLetterTemplate;
        this.reader = new GrouplessReader("registry-reader", GrouplessReader.consumers(kafka, "manager-registry", Map.of()),
                List.of(GrouplessReader.Source.fromBeginning(Topics.AGENT_REGISTRY)), new GrouplessReader.Handler() {
                    @Override
                    public void record(ConsumerRecord<String, byte[]> record) {
                        read(record);
                    }

                    @Override
                    public void afterBatch() {
                        directory.announceChanges();
                    }
                }, null, Duration.ofMillis(500), Duration.ofSeconds(30));
    }

    @Override
    public void start() {
        reader.start();
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
        reader.stop();
    }

    @Override
    public boolean isRunning() {
        return reader.isRunning();
    }

    /** Read the registry before the aggregation starts taking tasks. */
    @Override
    public int getPhase() {
        return 0;
    }
}
