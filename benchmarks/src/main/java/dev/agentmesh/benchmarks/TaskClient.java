package dev.agentmesh.benchmarks;

import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.AgentTaskRequested;
import dev.agentmesh.events.Event;
import dev.agentmesh.events.Topics;
import dev.agentmesh.events.kafka.EventDeserializer;
import dev.agentmesh.events.kafka.EventSerializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Does on Kafka what the gateway does for a delegated turn: publishes agent-task-requested on agent-tasks and
 * reads agent-results without a consumer group (all partitions, from the end), completing the waiting task by
 * id. Latency is taken from just before the send to the moment the poll returns the result.
 */
final class TaskClient implements AutoCloseable {

    /**
     * A result as received: when (System.nanoTime) and what. The wall-clock fields (epoch milliseconds) place the
     * records' own timestamps, which their producers set, beside the send and the receipt.
     *
     * @param sentAtMillis the wall clock just before the task was sent
     * @param resultCreatedAtMillis the result record's timestamp (when the manager published it)
     * @param atMillis the wall clock when the result was polled
     */
    record Received(long atNanos, AgentTaskCompleted result, long sentAtMillis, long resultCreatedAtMillis,
                    long atMillis) {
    }

    private final KafkaProducer<String, Event> producer;
    private final KafkaConsumer<String, Event> consumer;
    private final Map<String, CompletableFuture<Received>> pending = new ConcurrentHashMap<>();
    private final Map<String, Long> sentAtMillis = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread poller;
    private final int partitions;

    TaskClient(String bootstrapServers, Map<String, Object> producerOverrides, Map<String, Object> consumerOverrides) {
        Map<String, Object> producerProps = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        producerProps.putAll(producerOverrides);
        producer = new KafkaProducer<>(producerProps, new StringSerializer(), new EventSerializer());
        Map<String, Object> consumerProps = new HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        consumerProps.putAll(consumerOverrides);
        consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new EventDeserializer());
        List<TopicPartition> results = consumer.partitionsFor(Topics.AGENT_RESULTS).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(results);
        consumer.seekToEnd(results);
        results.forEach(consumer::position);
        partitions = producer.partitionsFor(Topics.AGENT_TASKS).size();
        poller = Thread.ofPlatform().name("bench-results-poller").start(this::poll);
    }

    /** Partitions of agent-tasks (and, equally, of every topic on the task's path). */
    int partitions() {
        return partitions;
    }

    /** A new task id that the default partitioner puts on {@code partition} of every topic keyed by task id. */
    String taskIdOn(int partition) {
        while (true) {
            String id = "task_" + UUID.randomUUID().toString().replace("-", "");
            if (Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % partitions == partition) {
                return id;
            }
        }
    }

    static String randomTaskId() {
        return "task_" + UUID.randomUUID().toString().replace("-", "");
    }

    /** Publishes one task; {@code sentAt} receives System.nanoTime() taken just before the send. */
    CompletableFuture<Received> publish(String taskId, String request, Duration deadline, long[] sentAt) {
        CompletableFuture<Received> result = new CompletableFuture<>();
        pending.put(taskId, result);
        AgentTaskRequested task = AgentTaskRequested.of(taskId, "conv_bench_" + taskId, request, List.of(),
                Instant.now().plus(deadline), "bench");
        sentAtMillis.put(taskId, System.currentTimeMillis());
        sentAt[0] = System.nanoTime();
        producer.send(new ProducerRecord<>(Topics.AGENT_TASKS, taskId, task), (metadata, error) -> {
            if (error != null) {
                pending.remove(taskId);
                result.completeExceptionally(error);
            }
        });
        return result;
    }

    void forget(String taskId) {
        pending.remove(taskId);
        sentAtMillis.remove(taskId);
    }

    private void poll() {
        while (running.get()) {
            for (ConsumerRecord<String, Event> record : consumer.poll(Duration.ofMillis(100))) {
                long now = System.nanoTime();
                long wallNow = System.currentTimeMillis();
                if (record.value() instanceof AgentTaskCompleted completed) {
                    CompletableFuture<Received> waiting = pending.remove(completed.taskId());
                    Long sent = sentAtMillis.remove(completed.taskId());
                    if (waiting != null) {
                        waiting.complete(new Received(now, completed, sent == null ? 0 : sent, record.timestamp(),
                                wallNow));
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        running.set(false);
        try {
            poller.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close();
        producer.close();
    }
}
