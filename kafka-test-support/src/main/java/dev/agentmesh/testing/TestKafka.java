package dev.agentmesh.testing;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

import java.util.Map;

/**
 * One real Kafka broker per test JVM, shared by every Spring context and plain client in it: a Testcontainers
 * broker where a Docker engine answers, an in-process KRaft broker where none does. {@code -Dtest.kafka=docker}
 * or {@code -Dtest.kafka=embedded} forces a side.
 */
public final class TestKafka {

    private static final String IMAGE = "apache/kafka-native:4.1.2";

    /** Broker settings for fast group joins and commits; the same as deploy/local uses. */
    private static final Map<String, String> BROKER_SETTINGS = Map.of(
            "group.initial.rebalance.delay.ms", "0",
            "group.coordinator.append.linger.ms", "0",
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "auto.create.topics.enable", "true");

    private static String bootstrapServers;

    private TestKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (bootstrapServers == null) {
            bootstrapServers = start();
        }
        return bootstrapServers;
    }

    private static String start() {
        boolean docker = switch (System.getProperty("test.kafka", "auto")) {
            case "docker" -> true;
            case "embedded" -> false;
            default -> DockerClientFactory.instance().isDockerAvailable();
        };
        if (docker) {
            KafkaContainer kafka = new KafkaContainer(IMAGE);
            BROKER_SETTINGS.forEach((key, value) ->
                    kafka.withEnv("KAFKA_" + key.toUpperCase().replace('.', '_'), value));
            kafka.start();
            return kafka.getBootstrapServers();
        }
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(BROKER_SETTINGS);
        broker.afterPropertiesSet();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy, "embedded-kafka-stop"));
        return broker.getBrokersAsString();
    }
}
