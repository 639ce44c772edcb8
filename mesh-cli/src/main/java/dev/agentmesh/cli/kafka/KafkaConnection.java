package dev.agentmesh.cli.kafka;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * How the tool reaches the cluster: {@code KAFKA_BOOTSTRAP_SERVERS}, plus any client settings (TLS, SASL) from the
 * properties file {@code MESH_KAFKA_CONFIG} names. Consumers it makes have no group id and commit nothing: they are
 * assigned partitions and seek, so no group of the system sees them.
 */
public final class KafkaConnection {

    public static final String DEFAULT_BOOTSTRAP = "localhost:9092";

    private final Map<String, Object> common;

    public KafkaConnection(Map<String, Object> common) {
        if (!(common.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) instanceof String servers) || servers.isBlank()) {
            throw new IllegalArgumentException("no bootstrap servers: set KAFKA_BOOTSTRAP_SERVERS");
        }
        if (common.containsKey(ConsumerConfig.GROUP_ID_CONFIG)) {
            throw new IllegalArgumentException("the tool reads without a consumer group; remove group.id from the "
                    + "client settings");
        }
        this.common = Map.copyOf(common);
    }

    public static KafkaConnection to(String bootstrapServers) {
        return new KafkaConnection(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /**
     * From the environment: {@code KAFKA_BOOTSTRAP_SERVERS} (default {@value #DEFAULT_BOOTSTRAP}) and
     * {@code MESH_KAFKA_CONFIG}.
     */
    public static KafkaConnection fromEnvironment(Map<String, String> environment) {
        Map<String, Object> settings = new HashMap<>();
        String file = environment.get("MESH_KAFKA_CONFIG");
        if (file != null && !file.isBlank()) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(Path.of(file))) {
                properties.load(reader);
            } catch (IOException e) {
                throw new IllegalArgumentException("MESH_KAFKA_CONFIG: cannot read " + file + " (" + e.getMessage() + ")");
            }
            properties.forEach((key, value) -> settings.put(String.valueOf(key), value));
        }
        String bootstrap = environment.get("KAFKA_BOOTSTRAP_SERVERS");
        if (bootstrap != null && !bootstrap.isBlank()) {
            settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        }
        settings.putIfAbsent(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, DEFAULT_BOOTSTRAP);
        return new KafkaConnection(settings);
    }

    public String bootstrapServers() {
        return (String) common.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    }

    /** A consumer without a group: it never joins a group and never commits. */
    public KafkaConsumer<byte[], byte[]> groupLessConsumer() {
        Map<String, Object> settings = new HashMap<>(common);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "mesh-cli");
        return new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    public KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> settings = new HashMap<>(common);
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, "mesh-cli");
        return new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public Admin admin() {
        Map<String, Object> settings = new HashMap<>(common);
        settings.put(CommonClientConfigs.CLIENT_ID_CONFIG, "mesh-cli");
        return Admin.create(settings);
    }
}
