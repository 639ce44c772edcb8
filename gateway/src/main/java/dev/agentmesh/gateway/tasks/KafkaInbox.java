package dev.agentmesh.gateway.tasks;

import dev.agentmesh.events.AgentRegistered;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.Event;
import dev.agentmesh.events.EventCodec;
import dev.agentmesh.events.InvalidEventException;
import dev.agentmesh.events.TaskPlanned;
import dev.agentmesh.events.TaskReply;
import dev.agentmesh.events.TaskScoped;
import dev.agentmesh.events.Topics;
import dev.agentmesh.kafka.GrouplessReader;
import dev.agentmesh.kafka.TraceHeaders;
import dev.agentmesh.kafka.logging.TaskMdc;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads what this gateway instance needs from Kafka, without a consumer group ({@link GrouplessReader}): its own
 * partition of agent-results from the end (the plans and results of the tasks its sessions published, which name
 * that partition), and agent-registry from the beginning. It reads nothing meant for other instances and not the
 * audit log: what it reads per result does not grow with the number of gateways. No group means no rebalancing
 * when gateways come and go, and no offsets to keep: an instance that restarts has lost its sessions, so the
 * results it missed have no one to go to.
 * <p>
 * A reply on this partition that names another instance is counted ({@code gateway.replies.foreign}) and dropped:
 * two instances configured with the same partition, or late replies for this partition's previous instance.
 * A session's listener that throws costs only that record. Readiness: this bean is a health indicator in the
 * readiness group, out of service until its partition is assigned, down while that partition does not exist
 * ({@code GATEWAY_REPLY_PARTITION} past the topic's partitions) or while the reader restarts after a failure
 * (backoff 0.5 s doubling to {@value #MAX_BACKOFF_SECONDS} s, going on from where it stopped).
 * A result is delivered in a span ({@code deliver result}) that continues the trace its record carries.
 */
@Component("kafkaInbox")
public class KafkaInbox implements SmartLifecycle, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(KafkaInbox.class);
    private static final long MAX_BACKOFF_SECONDS = 30;
    private static final Duration FOREIGN_LOG_INTERVAL = Duration.ofMinutes(1);

    private final ReplyAddress address;
    private final TaskRoutes routes;
    private final AgentCatalog catalog;
    private final Counter skipped;
    private final Counter listenerErrors;
    private final Counter restarts;
    private final Counter foreign;
    private final GrouplessReader reader;
    private final TraceHeaders tracing;
    /** Reader thread only. */
    private long lastForeignLog = Long.MIN_VALUE;

    @Autowired
    public KafkaInbox(KafkaProperties kafka, ReplyAddress address, TaskRoutes routes, AgentCatalog catalog,
                      MeterRegistry meters, TraceHeaders tracing) {
        // The consumer's default fetch.max.wait.ms (500 ms): a fetch the broker holds is answered the moment a record
        // arrives, so a shorter wait gains no latency (by hand, not by a benchmark in this repo, a produce-to-poll hop
        // timed the same at 500, 10 and 1 ms) and only has every gateway send the broker an empty fetch every few
        // milliseconds.
        this(GrouplessReader.consumers(kafka, "gateway-inbox-" + address.instanceId(), Map.of()), address, routes,
                catalog, meters,
                Duration.ofMillis(500), Duration.ofSeconds(MAX_BACKOFF_SECONDS), tracing);
    }

    KafkaInbox(Supplier<Consumer<String, byte[]>> consumers, ReplyAddress address, TaskRoutes routes,
               AgentCatalog catalog, MeterRegistry meters, Duration firstBackoff, Duration maxBackoff) {
        this(consumers, address, routes, catalog, meters, firstBackoff, maxBackoff, TraceHeaders.NOOP);
    }

    KafkaInbox(Supplier<Consumer<String, byte[]>> consumers, ReplyAddress address, TaskRoutes routes,
               AgentCatalog catalog, MeterRegistry meters, Duration firstBackoff, Duration maxBackoff,
               TraceHeaders tracing) {
        this.tracing = tracing;
        this.address = address;
        this.routes = routes;
        this.catalog = catalog;
        this.skipped = Counter.builder("gateway.records.skipped")
                .description("Records on the gateway's topics that could not be decoded and were skipped")
                .register(meters);
        this.listenerErrors = Counter.builder("gateway.inbox.listener.errors")
                .description("Results or plans whose session failed while taking them").register(meters);
        this.restarts = Counter.builder("gateway.inbox.restarts")
                .description("Times the Kafka reader failed and was restarted").register(meters);
        this.foreign = Counter.builder("gateway.replies.foreign")
                .description("Replies on this instance's partition of agent-results that name another instance")
                .register(meters);
        this.reader = new GrouplessReader("gateway-inbox", consumers, List.of(
                GrouplessReader.Source.partitionFromEnd(Topics.AGENT_RESULTS, address.partition()),
                GrouplessReader.Source.fromBeginning(Topics.AGENT_REGISTRY)), new GrouplessReader.Handler() {
                    @Override
                    public void record(ConsumerRecord<String, byte[]> record) {
                        dispatch(record);
                    }

                    @Override
                    public void restarting(RuntimeException failure, Duration backoff) {
                        restarts.increment();
                    }
                }, meters, firstBackoff, maxBackoff);
    }

    @Override
    public void start() {
        log.info("Reading replies for {} of {}", address, Topics.AGENT_RESULTS);
        reader.start();
    }

    @Override
    public void stop() {
        reader.stop();
    }

    @Override
    public boolean isRunning() {
        return reader.isRunning();
    }

    @Override
    public Health health() {
        Health health = reader.health();
        return Health.status(health.getStatus()).withDetails(health.getDetails())
                .withDetail("replyPartition", address.partition()).build();
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
        TaskScoped scoped = event instanceof TaskScoped task ? task : null;
        // a session's lines about this result (and the ones below) carry its task's ids
        try (TaskMdc mdc = scoped == null ? null : TaskMdc.open(scoped.taskId(), scoped.conversationId())) {
            switch (event) {
                case TaskReply reply when !address.instanceId().equals(reply.replyTo()) -> foreign(reply);
                case AgentTaskCompleted result -> deliver(record, result);
                case TaskPlanned plan -> routes.find(plan.taskId()).ifPresent(listener -> listener.planned(plan));
                case AgentRegistered registered -> catalog.heard(registered);
                default -> {
                    // nothing else is meant for the gateway
                }
            }
        } catch (RuntimeException e) {
            // one session's failure must not stop results for every other session
            listenerErrors.increment();
            log.error("A session failed to take {}: taskId={} conversationId={}", event.getClass().getSimpleName(),
                    scoped == null ? null : scoped.taskId(), scoped == null ? null : scoped.conversationId(), e);
        }
    }

    private void foreign(TaskReply reply) {
        foreign.increment();
        long now = System.nanoTime();
        if (lastForeignLog == Long.MIN_VALUE || now - lastForeignLog > FOREIGN_LOG_INTERVAL.toNanos()) {
            lastForeignLog = now;
            log.warn("A reply on partition {} names gateway {}, not this one ({}): another instance reads the same "
                    + "partition (set GATEWAY_REPLY_PARTITION apart), or this partition's previous instance had tasks "
                    + "open; taskId={} conversationId={}", address.partition(), reply.replyTo(), address.instanceId(),
                    reply.taskId(), reply.conversationId());
        }
    }
}
