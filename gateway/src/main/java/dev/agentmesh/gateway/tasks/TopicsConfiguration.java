package dev.agentmesh.gateway.tasks;

import dev.agentmesh.events.Topics;
import dev.agentmesh.kafka.DeclaredTopics;
import dev.agentmesh.kafka.MeshKafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/** The topics the gateway writes or reads, as {@link Topics} declares them. */
@Configuration(proxyBeanMethods = false)
class TopicsConfiguration {

    @Bean
    KafkaAdmin.NewTopics gatewayTopics(MeshKafkaProperties mesh) {
        return DeclaredTopics.of(mesh, Topics.AGENT_TASKS, Topics.AGENT_RESULTS, Topics.CONVERSATION_EVENTS,
                Topics.AGENT_REGISTRY);
    }
}
