package dev.agentmesh.gateway.tasks;

import dev.agentmesh.events.AgentRegistered;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.Event;
import dev.agentmesh.events.EventCodec;
import dev.agentmesh.events.InvalidEventException;
import dev.agentmesh.events.TaskPlanned;
import dev.agentmesh.events.Topics;
import dev.agentmesh.gateway.GatewayProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads what the gateway needs from Kafka on one thread, without a consumer group: every instance reads every
 * partition of agent-results and conversation-events from the end (a result is for the instance named in its
 * {@code replyTo}, the one that holds the session; the others skip it), and agent-registry from the beginning.
 * No group means no rebalancing when gateways come and go, and no offsets to keep: an instance that restarts
 * has lost its sessions, so the results it missed have no one to go to.
 */
@Component("kafkaInbox")
public class KafkaInbox implements SmartLifecycle, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(KafkaInbox.class);
    private static final List<String> FROM_END = List.of(Topics.AGENT_RESULTS, Topics.CONVERSATION_EVENTS);
    private static final Duration ASSIGNMENT_REFRESH = Duration.ofSeconds(5);

    private final Map<String, Object> consumerProperties;
    private final String instanceId;
    private final TaskRoutes routes;
    private final AgentCatalog catalog;
    private final Counter skipped;
    private final MeterRegistry meters;
    private KafkaClientMetrics clientMetrics;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private volatile boolean assigned;
    private Thread reader;

    public KafkaInbox(KafkaProperties kafka, GatewayProperties properties, TaskRoutes routes, AgentCatalog catalog,
                      MeterRegistry meters) {
        Map<String, Object> consumerProperties = kafka.buildConsumerProperties();
        consumerProperties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumerProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProperties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        consumerProperties.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        consumerProperties.put(ConsumerConfig.CLIENT_ID_CONFIG, "gateway-inbox-" + properties.instanceId());
        this.consumerProperties = consumerProperties;
        this.instanceId = properties.instanceId();
        this.routes = routes;
        this.catalog = catalog;
        this.meters = meters;
        this.skipped = Counter.builder("gateway.records.skipped")
                .description("Records on the gateway's topics that could not be decoded and were skipped")
                .register(meters);
    }

    @Override
    public void start() {
        running = true;
        consumer = new KafkaConsumer<>(consumerProperties, new StringDeserializer(), new ByteArrayDeserializer());
        clientMetrics = new KafkaClientMetrics(consumer);
        clientMetrics.bindTo(meters);
        reader = Thread.ofPlatform().name("gateway-inbox").daemon().start(this::run);
    }

    @Override
    public void stop() {
        running = false;
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (reader != null) {
            try {
                reader.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeMetrics();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void closeMetrics() {
        if (clientMetrics != null) {
            clientMetrics.close();
        }
    }

    /** Ready once results can be received: every partition of agent-results is assigned. */
    @Override
    public Health health() {
        return assigned ? Health.up().build() : Health.outOfService().withDetail("reason",
                "waiting for the partitions of " + Topics.AGENT_RESULTS).build();
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> kafka = consumer) {
            long nextRefresh = 0;
            while (running) {
                if (System.nanoTime() >= nextRefresh) {
                    refreshAssignment(kafka);
                    nextRefresh = System.nanoTime() + ASSIGNMENT_REFRESH.toNanos();
                }
                if (kafka.assignment().isEmpty()) {
                    Thread.sleep(200);
                    continue;
                }
                for (ConsumerRecord<String, byte[]> record : kafka.poll(Duration.ofMillis(100))) {
                    dispatch(record);
                }
            }
        } catch (WakeupException stopping) {
            // stop() woke the consumer up
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("The gateway's Kafka reader stopped: {}", e.toString(), e);
            assigned = false;
        }
    }

    /** Follows new partitions and topics that appear after start; never moves existing positions. */
    private void refreshAssignment(KafkaConsumer<String, byte[]> kafka) {
        Set<TopicPartition> current = new HashSet<>(kafka.assignment());
        List<TopicPartition> fresh = new ArrayList<>();
        List<TopicPartition> all = new ArrayList<>(current);
        for (String topic : List.of(Topics.AGENT_RESULTS, Topics.CONVERSATION_EVENTS, Topics.AGENT_REGISTRY)) {
            List<PartitionInfo> partitions;
            try {
                partitions = kafka.partitionsFor(topic, Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                log.debug("No metadata for {} yet: {}", topic, e.toString());
                continue;
            }
            for (PartitionInfo info : partitions == null ? List.<PartitionInfo>of() : partitions) {
                TopicPartition partition = new TopicPartition(topic, info.partition());
                if (!current.contains(partition)) {
                    fresh.add(partition);
                    all.add(partition);
                }
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        kafka.assign(all);
        List<TopicPartition> fromEnd = fresh.stream().filter(p -> FROM_END.contains(p.topic())).toList();
        List<TopicPartition> fromStart = fresh.stream().filter(p -> !FROM_END.contains(p.topic())).toList();
        kafka.seekToEnd(fromEnd);
        kafka.seekToBeginning(fromStart);
        fresh.forEach(kafka::position);
        assigned = all.stream().anyMatch(p -> p.topic().equals(Topics.AGENT_RESULTS));
        log.info("Reading {} new partitions ({} in all) of agent-results, conversation-events and agent-registry",
                fresh.size(), all.size());
    }

    private void dispatch(ConsumerRecord<String, byte[]> record) {
        Event event;
        try {
            event = EventCodec.decode(record.value());
        } catch (InvalidEventException e) {
            skipped.increment();
            log.warn("Skipped an undecodable record at {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return;
        }
        switch (event) {
            case AgentTaskCompleted result when instanceId.equals(result.replyTo()) ->
                    routes.find(result.taskId()).ifPresentOrElse(listener -> listener.completed(result),
                            () -> log.info("Dropped a result no session waits for (cancelled or late): taskId={} "
                                    + "conversationId={}", result.taskId(), result.conversationId()));
            case TaskPlanned plan -> routes.find(plan.taskId()).ifPresent(listener -> listener.planned(plan));
            case AgentRegistered registered -> catalog.heard(registered);
            default -> {
                // another instance's result, or an audit event the gateway wrote itself
            }
        }
    }
}
