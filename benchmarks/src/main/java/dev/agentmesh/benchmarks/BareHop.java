package dev.agentmesh.benchmarks;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * One Kafka hop and nothing else, on the broker the mesh uses: a record sent (linger 0, acks=all, as the services
 * send) and polled by a consumer that is already waiting for it, in this JVM. A task crosses four such hops
 * (task, subtasks, replies, result), each on a process that sat idle since its last record, so the benchmark
 * measures this hop in the same run and at the same rhythm (once after each task, when the mesh has gone quiet): it
 * is the part of the mesh overhead the services cannot remove, the machine's and the broker's.
 */
final class BareHop implements AutoCloseable {

    static final String TOPIC = "benchmark-bare-hop";

    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition partition = new TopicPartition(TOPIC, 0);
    private final byte[] payload = new byte[200];

    BareHop(String bootstrapServers) throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer());
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        consumer.position(partition);
    }

    /** Nanoseconds from just before the send to the poll that returned the record. */
    long once() {
        long sent = System.nanoTime();
        producer.send(new ProducerRecord<>(TOPIC, 0, null, payload));
        long deadline = sent + Duration.ofSeconds(10).toNanos();
        while (consumer.poll(Duration.ofSeconds(1)).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("a bare hop took over 10 s: is the broker up?");
            }
        }
        return System.nanoTime() - sent;
    }

    @Override
    public void close() {
        producer.close();
        consumer.close();
    }
}
