package dev.agentmesh.kafka;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * How every service talks to Kafka, beyond {@code spring.kafka.*}.
 *
 * @param partitions partitions of the topics a service declares; agent-tasks and agent-replies must have the
 *                   same count (the manager joins them by task id), and an agent cannot run more useful
 *                   replicas than its request topic has partitions
 * @param replicationFactor replication of declared topics; -1 takes the broker's default
 * @param ackTime how often listeners commit offsets; committing after every record costs a synchronous
 *                round trip per message on the request/reply path
 */
@Validated
@ConfigurationProperties("mesh.kafka")
public record MeshKafkaProperties(
        @DefaultValue("6") @Min(1) int partitions,
        @DefaultValue("-1") short replicationFactor,
        @DefaultValue("1s") Duration ackTime) {
}
