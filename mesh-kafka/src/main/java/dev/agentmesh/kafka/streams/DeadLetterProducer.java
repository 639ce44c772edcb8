package dev.agentmesh.kafka.streams;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.HashMap;
import java.util.Map;

/**
 * The plain producer the stream's exception handlers write dead letters with: Kafka Streams configures them with
 * its own settings, of which the connection and security ones are taken.
 */
public final class DeadLetterProducer {

    private DeadLetterProducer() {
    }

    public static KafkaProducer<byte[], byte[]> create(Map<String, ?> streamsConfigs) {
        Map<String, Object> producerConfig = new HashMap<>();
        streamsConfigs.forEach((key, value) -> {
            if (key.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) || key.startsWith("security.")
                    || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                producerConfig.put(key, value);
            }
        });
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // a dead-letter topic that does not exist (and may not be created) must not hold a thread for a minute
        producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
