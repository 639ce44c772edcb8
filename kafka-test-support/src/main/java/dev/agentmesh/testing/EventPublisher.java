package dev.agentmesh.testing;

import dev.agentmesh.events.Event;
import dev.agentmesh.events.kafka.EventSerializer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Publishes events, or raw bytes for poison-record tests, to the {@link TestKafka} broker and waits for the ack. */
public final class EventPublisher implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
            ProducerConfig.LINGER_MS_CONFIG, 0));
    private final EventSerializer serializer = new EventSerializer();

    public void publish(String topic, String key, Event event) {
        publishRaw(topic, key, serializer.serialize(topic, event));
    }

    /** Publishes to one partition, whatever the key hashes to, with these headers; returns the record's offset. */
    public long publish(String topic, int partition, String key, Event event, Header... headers) {
        return send(new ProducerRecord<>(topic, partition, key, serializer.serialize(topic, event), List.of(headers)));
    }

    /** With these headers (a {@code traceparent}, say) on the record. */
    public void publish(String topic, String key, Event event, Map<String, String> headers) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, serializer.serialize(topic, event));
        headers.forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        send(record);
    }

    public void publishRaw(String topic, String key, byte[] value) {
        send(new ProducerRecord<>(topic, key, value));
    }

    /**
     * Raw bytes to one partition, as the manager addresses a reply to the gateway instance that reads it; returns
     * the record's offset.
     */
    public long publishRaw(String topic, int partition, String key, byte[] value) {
        return send(new ProducerRecord<>(topic, partition, key, value));
    }

    private long send(ProducerRecord<String, byte[]> record) {
        String topic = record.topic();
        try {
            return producer.send(record).get(30, TimeUnit.SECONDS).offset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not publish to " + topic, e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
