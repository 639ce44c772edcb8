package dev.agentmesh.benchmarks;

import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.AgentTaskRequested;
import dev.agentmesh.events.Event;
import dev.agentmesh.events.EventCodec;
import dev.agentmesh.events.InvalidEventException;
import dev.agentmesh.events.Topics;
import dev.agentmesh.events.TurnRecorded;
import dev.agentmesh.events.kafka.EventSerializer;
import dev.agentmesh.kafka.GrouplessReader;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.health.contributor.Status;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Does on Kafka what one gateway instance does for a delegated text turn, in one of two designs: publishes the task
 * on agent-tasks and the turns the gateway records on conversation-events (the user's turn and the call before the
 * result, the result and the assistant's answer after it), and reads its replies with a {@link GrouplessReader}.
 * <ul>
 *   <li>{@link Design#ADDRESSED} (this project): the task names this instance's partition of agent-results, and the
 *   reader reads only that partition, as {@code KafkaInbox} configures it.</li>
 *   <li>{@link Design#READ_EVERYTHING} (the design before): the task names no partition, and the reader reads every
 *   partition of agent-results and conversation-events from the end, as the old {@code KafkaInbox} did, keeping the
 *   results whose {@code replyTo} names it.</li>
 * </ul>
 * The registry, which both designs read alike, is left out, so the counts are what the reply path costs.
 */
final class SimulatedGateway implements AutoCloseable {

    enum Design { ADDRESSED, READ_EVERYTHING }

    private static final Set<String> REPLY_PATH = Set.of(Topics.AGENT_RESULTS, Topics.CONVERSATION_EVENTS);

    private final String instanceId;
    private final Integer replyPartition;
    private final KafkaProducer<String, Event> producer;
    private final GrouplessReader reader;
    private final AtomicReference<Consumer<String, byte[]>> consumer = new AtomicReference<>();
    private final Map<String, CompletableFuture<AgentTaskCompleted>> pending = new ConcurrentHashMap<>();
    /** What the reader decoded, by kind: for the log, to see what a gateway reads that is not its own. */
    private final Map<String, Integer> seen = new ConcurrentHashMap<>();

    SimulatedGateway(String bootstrapServers, Design design, String instanceId, int index) {
        this.instanceId = instanceId;
        this.replyPartition = design == Design.ADDRESSED ? index : null;
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new EventSerializer());
        Map<String, Object> consumerProperties = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10,
                ConsumerConfig.CLIENT_ID_CONFIG, "bench-" + instanceId);
        List<GrouplessReader.Source> sources = design == Design.ADDRESSED
                ? List.of(GrouplessReader.Source.partitionFromEnd(Topics.AGENT_RESULTS, index))
                : List.of(GrouplessReader.Source.fromEnd(Topics.AGENT_RESULTS),
                        GrouplessReader.Source.fromEnd(Topics.CONVERSATION_EVENTS));
        reader = new GrouplessReader("bench-reader-" + instanceId, () -> {
            Consumer<String, byte[]> created = new KafkaConsumer<>(consumerProperties, new StringDeserializer(),
                    new ByteArrayDeserializer());
            consumer.set(created);
            return created;
        }, sources, this::take, null, Duration.ofMillis(500), Duration.ofSeconds(5));
        reader.start();
    }

    boolean ready() {
        return reader.health().getStatus().equals(Status.UP);
    }

    /** One delegated turn: completes with its result. */
    CompletableFuture<AgentTaskCompleted> ask(String taskId, String request, Duration deadline) {
        String conversationId = "conv_" + instanceId + "_" + taskId;
        CompletableFuture<AgentTaskCompleted> result = new CompletableFuture<>();
        pending.put(taskId, result);
        producer.send(new ProducerRecord<>(Topics.CONVERSATION_EVENTS, conversationId,
                TurnRecorded.of("turn-" + taskId, conversationId, "user", request, null)));
        producer.send(new ProducerRecord<>(Topics.AGENT_TASKS, taskId, AgentTaskRequested.of(taskId, conversationId,
                request, List.of(), Instant.now().plus(deadline), instanceId, null, replyPartition)));
        producer.send(new ProducerRecord<>(Topics.CONVERSATION_EVENTS, conversationId,
                TurnRecorded.of(taskId, conversationId, "tool-call", request, null)));
        return result.thenApply(completed -> {
            String output = completed.outcomes().toString();
            producer.send(new ProducerRecord<>(Topics.CONVERSATION_EVENTS, conversationId,
                    TurnRecorded.of(taskId, conversationId, "tool-result", output, null)));
            producer.send(new ProducerRecord<>(Topics.CONVERSATION_EVENTS, conversationId,
                    TurnRecorded.of("answer-" + taskId, conversationId, "assistant", output, null)));
            return completed;
        });
    }

    private void take(ConsumerRecord<String, byte[]> record) {
        Event event;
        try {
            event = EventCodec.decode(record.value());
        } catch (InvalidEventException e) {
            return;
        }
        String kind = event.getClass().getSimpleName() + (event instanceof dev.agentmesh.events.TaskReply reply
                ? (instanceId.equals(reply.replyTo()) ? " (mine)" : " for " + reply.replyTo()) : "")
                + (event instanceof TurnRecorded turn ? " " + turn.role() : "");
        seen.merge(kind, 1, Integer::sum);
        if (event instanceof AgentTaskCompleted result && instanceId.equals(result.replyTo())) {
            CompletableFuture<AgentTaskCompleted> waiting = pending.remove(result.taskId());
            if (waiting != null) {
                waiting.complete(result);
            }
        }
    }

    /** What this instance's reader has read from agent-results and conversation-events so far. */
    Read read() {
        Consumer<String, byte[]> current = consumer.get();
        if (current == null) {
            return new Read(0, 0);
        }
        double bytes = 0;
        double records = 0;
        for (Map.Entry<MetricName, ? extends Metric> metric : current.metrics().entrySet()) {
            MetricName name = metric.getKey();
            String topic = name.tags().get("topic");
            if (!name.group().equals("consumer-fetch-manager-metrics") || topic == null || !REPLY_PATH.contains(topic)
                    || name.tags().containsKey("partition")) {
                continue;
            }
            if (name.name().equals("bytes-consumed-total")) {
                bytes += ((Number) metric.getValue().metricValue()).doubleValue();
            } else if (name.name().equals("records-consumed-total")) {
                records += ((Number) metric.getValue().metricValue()).doubleValue();
            }
        }
        return new Read((long) bytes, (long) records);
    }

    /** What the reader decoded so far, by kind (type, and whose reply or which turn). */
    Map<String, Integer> seen() {
        return new java.util.TreeMap<>(seen);
    }

    record Read(long bytes, long records) {

        Read minus(Read earlier) {
            return new Read(bytes - earlier.bytes, records - earlier.records);
        }
    }

    @Override
    public void close() {
        reader.stop();
        producer.close(Duration.ofSeconds(2));
    }
}
