package dev.agentmesh.sdk.runtime;

import dev.agentmesh.events.AgentCard;
import dev.agentmesh.events.Event;
import dev.agentmesh.events.Topics;
import dev.agentmesh.kafka.DeclaredTopics;
import dev.agentmesh.kafka.EventKafkaAutoConfiguration;
import dev.agentmesh.kafka.MeshKafkaProperties;
import dev.agentmesh.sdk.Agent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.AcknowledgingMessageListener;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.util.StringUtils;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Turns the application's one {@link Agent} bean into a running agent service: a listener container on
 * {@code <name>-requests} in consumer group {@code <name>-agent}, replies on agent-replies, registry
 * heartbeats carrying the agent's card, dead-lettering and metrics.
 */
@AutoConfiguration(after = EventKafkaAutoConfiguration.class)
@ConditionalOnSingleCandidate(Agent.class)
@EnableConfigurationProperties(AgentProperties.class)
public class AgentAutoConfiguration {

    /** The consumer group all replicas of one agent share, so they split its request partitions. */
    public static String consumerGroup(String agentName) {
        return agentName + "-agent";
    }

    @Bean(destroyMethod = "close")
    ExecutorService agentWorkers() {
        return Executors.newVirtualThreadPerTaskExecutor();
    }

    @Bean
    AgentMetrics agentMetrics(Agent agent, MeterRegistry meters) {
        return new AgentMetrics(meters, agent.name());
    }

    @Bean
    SubtaskRunner subtaskRunner(Agent agent, KafkaTemplate<String, Event> eventTemplate, AgentMetrics agentMetrics,
                                ExecutorService agentWorkers, AgentProperties properties,
                                ObjectProvider<io.micrometer.tracing.Tracer> tracer) {
        return new SubtaskRunner(agent, eventTemplate, agentMetrics, agentWorkers,
                (int) properties.maxAnswerSize().toBytes(), tracer.getIfAvailable(() -> io.micrometer.tracing.Tracer.NOOP));
    }

    @Bean(destroyMethod = "close")
    SubtaskDispatcher subtaskDispatcher(Agent agent, SubtaskRunner subtaskRunner, AgentMetrics agentMetrics,
                                        KafkaTemplate<String, Object> deadLetterTemplate,
                                        ObjectProvider<ObservationRegistry> observations, AgentProperties properties,
                                        MeshKafkaProperties mesh) {
        return new SubtaskDispatcher(subtaskRunner, EventKafkaAutoConfiguration.deadLetterRecoverer(deadLetterTemplate),
                consumerGroup(agent.name()), agentMetrics, observations.getIfAvailable(() -> ObservationRegistry.NOOP),
                properties.maxInFlight(), properties.drainTimeout(), mesh.ackTime());
    }

    /**
     * The request listener: hands each record to the dispatcher, which runs up to {@code agent.max-in-flight}
     * subtasks at once and acknowledges them in offset order (ack mode MANUAL); a poll brings at most that many
     * records unless {@code spring.kafka.consumer.max-poll-records} says otherwise. Finished work is acknowledged
     * every {@code mesh.kafka.ack-time} and committed at the container's next poll, within that time again when no
     * further record arrives (the poll timeout).
     * <p>
     * Its consumers are the event consumers' (same configuration, same Kafka client metrics) except that they leave
     * the value undecoded: the dispatcher's worker decodes it, so a record that cannot be decoded is dead-lettered
     * and committed in order like any other record the agent cannot run (see {@link SubtaskDispatcher}).
     */
    @Bean
    ConcurrentMessageListenerContainer<String, byte[]> agentRequestsContainer(
            Agent agent, ConsumerFactory<String, Event> eventConsumerFactory,
            ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> consumerCustomizers,
            SubtaskDispatcher subtaskDispatcher, AgentProperties properties, MeshKafkaProperties mesh) {
        Map<String, Object> consumer = new HashMap<>(eventConsumerFactory.getConfigurationProperties());
        consumer.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, properties.maxInFlight());
        DefaultKafkaConsumerFactory<String, byte[]> requests = new DefaultKafkaConsumerFactory<>(consumer,
                StringDeserializer::new, ByteArrayDeserializer::new);
        consumerCustomizers.orderedStream().forEach(customizer -> customizer.customize(requests));

        ContainerProperties listener = new ContainerProperties(Topics.requestsFor(agent.name()));
        listener.setGroupId(consumerGroup(agent.name()));
        listener.setMessageListener(
                (AcknowledgingMessageListener<String, byte[]>) subtaskDispatcher::dispatch);
        listener.setAckMode(ContainerProperties.AckMode.MANUAL);
        listener.setPollTimeout(Math.max(100, mesh.ackTime().toMillis()));
        listener.setObservationEnabled(true);
        listener.setConsumerRebalanceListener(subtaskDispatcher);
        ConcurrentMessageListenerContainer<String, byte[]> container =
                new ConcurrentMessageListenerContainer<>(requests, listener);
        container.setCommonErrorHandler(subtaskDispatcher.errorHandler());
        container.setConcurrency(properties.concurrency());
        container.setBeanName(agent.name() + "-requests-listener");
        subtaskDispatcher.attach(container);
        return container;
    }

    /**
     * The card this instance announces, built once from the agent bean and its card file; its version is the
     * build's (META-INF/build-info.properties) unless {@code agent.version} says otherwise.
     */
    @Bean
    AgentCard agentCard(Agent agent, AgentProperties properties,
                        ObjectProvider<org.springframework.boot.info.BuildProperties> build) {
        org.springframework.boot.info.BuildProperties info = build.getIfAvailable();
        return AgentCardFactory.cardOf(agent, properties, info == null ? "unknown" : info.getVersion());
    }

    @Bean
    RegistryHeartbeat registryHeartbeat(Agent agent, AgentCard agentCard, AgentProperties properties,
                                        KafkaTemplate<String, Event> eventTemplate) {
        return new RegistryHeartbeat(agentCard, properties, instanceId(agent, properties), eventTemplate);
    }

    @Bean
    KafkaAdmin.NewTopics agentTopics(Agent agent, MeshKafkaProperties mesh) {
        String requests = Topics.requestsFor(agent.name());
        return DeclaredTopics.of(mesh, requests, Topics.deadLetterFor(requests), Topics.AGENT_REPLIES,
                Topics.AGENT_REGISTRY);
    }

    private static String instanceId(Agent agent, AgentProperties properties) {
        if (StringUtils.hasText(properties.instanceId())) {
            return properties.instanceId();
        }
        String hostname = System.getenv("HOSTNAME");
        return StringUtils.hasText(hostname) ? hostname
                : agent.name() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
