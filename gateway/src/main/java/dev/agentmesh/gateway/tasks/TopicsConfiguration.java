package dev.agentmesh.gateway.tasks;

import dev.agentmesh.events.Topics;
import dev.agentmesh.sdk.kafka.MeshKafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * The topics the gateway writes or reads, declared with the same partition counts as the manager declares them,
 * so whichever service starts first creates them right (a topic auto-created by a producer gets the broker's
 * default count, and agent-tasks must match agent-replies for the manager's join).
 */
@Configuration(proxyBeanMethods = false)
class TopicsConfiguration {

    @Bean
    KafkaAdmin.NewTopics gatewayTopics(MeshKafkaProperties mesh) {
        return new KafkaAdmin.NewTopics(
                TopicBuilder.name(Topics.AGENT_TASKS).partitions(mesh.partitions()).replicas(mesh.replicationFactor()).build(),
                TopicBuilder.name(Topics.AGENT_RESULTS).partitions(mesh.partitions()).replicas(mesh.replicationFactor()).build(),
                TopicBuilder.name(Topics.CONVERSATION_EVENTS).partitions(mesh.partitions()).replicas(mesh.replicationFactor()).build(),
                TopicBuilder.name(Topics.AGENT_REGISTRY).partitions(1).compact().replicas(mesh.replicationFactor()).build());
    }
}
