package dev.agentmesh.gateway.tasks;

import dev.agentmesh.events.AgentRegistered;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.Event;
import dev.agentmesh.events.EventCodec;
import dev.agentmesh.events.InvalidEventException;
import dev.agentmesh.events.TaskPlanned;
import dev.agentmesh.events.TaskScoped;
import dev.agentmesh.events.Topics;
import dev.agentmesh.gateway.GatewayProperties;
import dev.agentmesh.sdk.kafka.TraceHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.apache.kafka.clients.consumer.Consumer;
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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads what the gateway needs from Kafka on one thread, without a consumer group: every instance reads every
 * partition of agent-results and conversation-events from the end (a result is for the instance named in its
 * {@code replyTo}, the one that holds the session; the others skip it), and agent-registry from the beginning.
 * No group means no rebalancing when gateways come and go, and no offsets to keep: an instance that restarts
 * has lost its sessions, so the results it missed have no one to go to.
 * <p>
 * A session's listener that throws costs only that record. If reading itself fails (the consumer throws), the
 * reader closes its consumer, reports itself down (this bean is a health indicator in the readiness group) and
 * starts a new consumer after a backoff that doubles up to {@value #MAX_BACKOFF_SECONDS} s; the new consumer goes on
 * from the positions the old one had reached, so results that arrived meanwhile still reach their sessions.
 * A result is delivered in a span ({@code deliver result}) that continues the trace its record carries.
 */
@Component("kafkaInbox")
public class KafkaInbox implements SmartLifecycle, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(KafkaInbox.class);
    private static final List<String> FROM_END = List.of(Topics.AGENT_RESULTS, Topics.CONVERSATION_EVENTS);
    private static final Duration ASSIGNMENT_REFRESH = Duration.ofSeconds(5);
    private static final long MAX_BACKOFF_SECONDS = 30;

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final String instanceId;
    private final TaskRoutes routes;
    private final AgentCatalog catalog;
    private final Counter skipped;
    private final Counter listenerErrors;
    private final Counter restarts;
    private final MeterRegistry meters;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final TraceHeaders tracing;
    /** Where to go on after a restart: the next offset of every partition read so far. Reader thread only. */
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private KafkaClientMetrics clientMetrics;
    private volatile Consumer<String, byte[]> consumer;
    private volatile boolean running;
    /** What the health indicator reports; written by the reader thread. */
    private volatile Health status = starting();
    private Thread reader;

    @Autowired
    public KafkaInbox(KafkaProperties kafka, GatewayProperties properties, TaskRoutes routes, AgentCatalog catalog,
                      MeterRegistry meters, TraceHeaders tracing) {
        this(consumerFactory(kafka, properties.instanceId()), properties.instanceId(), routes, catalog, meters,
                Duration.ofMillis(500), Duration.ofSeconds(MAX_BACKOFF_SECONDS), tracing);
    }

    KafkaInbox(Supplier<Consumer<String, byte[]>> consumers, String instanceId, TaskRoutes routes,
               AgentCatalog catalog, MeterRegistry meters, Duration firstBackoff, Duration maxBackoff) {
        this(consumers, instanceId, routes, catalog, meters, firstBackoff, maxBackoff, TraceHeaders.NOOP);
    }

    KafkaInbox(Supplier<Consumer<String, byte[]>> consumers, String instanceId, TaskRoutes routes,
               AgentCatalog catalog, MeterRegistry meters, Duration firstBackoff, Duration maxBackoff,
               TraceHeaders tracing) {
        this.tracing = tracing;
        this.consumers = consumers;
        this.instanceId = instanceId;
        this.routes = routes;
        this.catalog = catalog;
        this.meters = meters;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.skipped = Counter.builder("gateway.records.skipped")
                .description("Records on the gateway's topics that could not be decoded and were skipped")
                .register(meters);
        this.listenerErrors = Counter.builder("gateway.inbox.listener.errors")
                .description("Results or plans whose session failed while taking them").register(meters);
        this.restarts = Counter.builder("gateway.inbox.restarts")
                .description("Times the Kafka reader failed and was restarted").register(meters);
    }

    private static Supplier<Consumer<String, byte[]>> consumerFactory(KafkaProperties kafka, String instanceId) {
        Map<String, Object> consumerProperties = kafka.buildConsumerProperties();
        consumerProperties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumerProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProperties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        consumerProperties.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        consumerProperties.put(ConsumerConfig.CLIENT_ID_CONFIG, "gateway-inbox-" + instanceId);
        return () -> new KafkaConsumer<>(consumerProperties, new StringDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void start() {
        running = true;
        reader = Thread.ofPlatform().name("gateway-inbox").daemon().start(this::supervise);
    }

    @Override
    public void stop() {
        running = false;
        Consumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (reader != null) {
            reader.interrupt();
            try {
                reader.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * Ready once results can be received: every partition of agent-results is assigned. Out of service while it
     * starts, down while it waits to restart after a failure or after it stopped.
     */
    @Override
    public Health health() {
        return status;
    }

    /** Runs the reader, and starts it again after a failure until the gateway stops. */
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
                    restarts.increment();
                    status = Health.down().withDetail("reason", "restarting after " + e.getClass().getSimpleName())
                            .withDetail("retryInMs", backoff.toMillis()).build();
                    log.error("The gateway's Kafka reader failed; restarting in {} ms: {}", backoff.toMillis(),
                            e.toString(), e);
                    Thread.sleep(backoff);
                    backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
                    status = starting();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Error e) {
            log.error("The gateway's Kafka reader died and will not restart", e);
            throw e;
        } finally {
            status = Health.down().withDetail("reason", "stopped").build();
        }
    }

    /** One consumer's life: returns when the gateway stops, throws when reading fails. */
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
                    Thread.sleep(200);
                    continue;
                }
                for (ConsumerRecord<String, byte[]> record : kafka.poll(Duration.ofMillis(100))) {
                    dispatch(record);
                    positions.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
            // stop() woke the consumer up
        } finally {
            consumer = null;
            closeMetrics();
        }
    }

    private void bindMetrics(Consumer<String, byte[]> kafka) {
        clientMetrics = new KafkaClientMetrics(kafka);
        clientMetrics.bindTo(meters);
    }

    private void closeMetrics() {
        if (clientMetrics != null) {
            clientMetrics.close();
            clientMetrics = null;
        }
    }

    private static Health starting() {
        return Health.outOfService().withDetail("reason", "waiting for the partitions of " + Topics.AGENT_RESULTS)
                .build();
    }

    /** Follows new partitions and topics that appear after start; never moves existing positions. */
    private void refreshAssignment(Consumer<String, byte[]> kafka) {
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
        List<TopicPartition> resumed = fresh.stream().filter(positions::containsKey).toList();
        List<TopicPartition> fromEnd = fresh.stream().filter(p -> !positions.containsKey(p))
                .filter(p -> FROM_END.contains(p.topic())).toList();
        List<TopicPartition> fromStart = fresh.stream().filter(p -> !positions.containsKey(p))
                .filter(p -> !FROM_END.contains(p.topic())).toList();
        resumed.forEach(partition -> kafka.seek(partition, positions.get(partition)));
        kafka.seekToEnd(fromEnd);
        kafka.seekToBeginning(fromStart);
        fresh.forEach(partition -> positions.put(partition, kafka.position(partition)));
        if (all.stream().anyMatch(p -> p.topic().equals(Topics.AGENT_RESULTS))) {
            status = Health.up().build();
        }
        log.info("Reading {} new partitions ({} in all) of agent-results, conversation-events and agent-registry",
                fresh.size(), all.size());
    }

    private void deliver(ConsumerRecord<String, byte[]> record, AgentTaskCompleted result) {
        Span span = tracing.continuing(record.headers(), "deliver result").kind(Span.Kind.CONSUMER)
                .tag("task.id", result.taskId()).tag("conversation.id", result.conversationId()).start();
        try (Tracer.SpanInScope ignored = tracing.tracer().withSpan(span)) {
            routes.find(result.taskId()).ifPresentOrElse(listener -> listener.completed(result), () -> {
                span.event("no session waits for it");
                log.info("Dropped a result no session waits for (cancelled or late): taskId={} conversationId={}",
                        result.taskId(), result.conversationId());
            });
        } catch (RuntimeException e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
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
        try {
            switch (event) {
                case AgentTaskCompleted result when instanceId.equals(result.replyTo()) -> deliver(record, result);
                case TaskPlanned plan -> routes.find(plan.taskId()).ifPresent(listener -> listener.planned(plan));
                case AgentRegistered registered -> catalog.heard(registered);
                default -> {
                    // another instance's result, or an audit event the gateway wrote itself
                }
            }
        } catch (RuntimeException e) {
            // one session's failure must not stop results for every other session
            listenerErrors.increment();
            TaskScoped scoped = event instanceof TaskScoped task ? task : null;
            log.error("A session failed to take {}: taskId={} conversationId={}", event.getClass().getSimpleName(),
                    scoped == null ? null : scoped.taskId(), scoped == null ? null : scoped.conversationId(), e);
        }
    }
}
