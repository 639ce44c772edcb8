package dev.agentmesh.manager.aggregation;

import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.Event;
import dev.agentmesh.events.SubtaskRequested;
import dev.agentmesh.events.TaskPlanned;
import dev.agentmesh.events.TaskReply;
import dev.agentmesh.events.Topics;
import dev.agentmesh.events.kafka.EventSerde;
import dev.agentmesh.kafka.DeclaredTopics;
import dev.agentmesh.kafka.MeshKafkaProperties;
import dev.agentmesh.kafka.TraceHeaders;
import dev.agentmesh.manager.ManagerProperties;
import dev.agentmesh.manager.planning.PlanningStage;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.springframework.kafka.config.StreamsBuilderFactoryBeanConfigurer;
import org.springframework.kafka.core.KafkaAdmin;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The aggregation topology: agent-tasks, agent-replies and agent-plans, all keyed by task id and equally
 * partitioned, flow into one {@link TaskAggregator} per partition; what it emits is routed by type to the agents' request topics,
 * agent-results (on the partition each task named: {@link #partitionsFor}) and conversation-events. Records that cannot be decoded go to {@code <topic>-dlt}
 * ({@link dev.agentmesh.kafka.streams.DeadLetteringDeserializationHandler}), and so do records too large for the broker
 * ({@link DeadLetteringProductionHandler}).
 */
@Configuration(proxyBeanMethods = false)
@EnableKafkaStreams
class AggregationConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AggregationConfiguration.class);

    @Bean
    KafkaAdmin.NewTopics managerTopics(MeshKafkaProperties mesh) {
        return DeclaredTopics.of(mesh,
                Topics.AGENT_TASKS, Topics.deadLetterFor(Topics.AGENT_TASKS),
                Topics.AGENT_REPLIES, Topics.deadLetterFor(Topics.AGENT_REPLIES),
                Topics.AGENT_RESULTS, Topics.CONVERSATION_EVENTS,
                Topics.AGENT_PLANS, Topics.deadLetterFor(Topics.AGENT_PLANS),
                Topics.AGENT_REGISTRY, Topics.deadLetterFor(Topics.AGENT_REGISTRY));
    }

    @Bean
    KStream<String, Event> aggregation(StreamsBuilder builder, PlanningStage planningStage,
                                       ManagerProperties properties, ManagerMetrics metrics, TraceHeaders tracing) {
        AggregationSettings settings = AggregationSettings.from(properties);
        return define(builder, () -> new TaskAggregator(planningStage, settings, metrics, Clock.systemUTC(),
                tracing));
    }

    static KStream<String, Event> define(StreamsBuilder builder, Supplier<TaskAggregator> aggregator) {
        EventSerde events = new EventSerde();
        // Cached: a task's states within one commit interval reach the changelog as one record, at the commit.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(TaskAggregator.STORE),
                Serdes.String(), new TaskStateSerde()).withCachingEnabled());
        KStream<String, Event> input = builder.stream(List.of(Topics.AGENT_TASKS, Topics.AGENT_REPLIES,
                        Topics.AGENT_PLANS),
                Consumed.with(Serdes.String(), events));
        input.process(aggregator::get, TaskAggregator.STORE)
                .to((key, event, context) -> destinationOf(event), Produced.with(Serdes.String(), events)
                        .withStreamPartitioner(AggregationConfiguration::partitionsFor));
        return input;
    }

    /** A stopping instance leaves the group, so another takes its partitions over at once. */
    @Bean
    StreamsBuilderFactoryBeanConfigurer leaveGroupOnClose() {
        return factoryBean -> factoryBean.setLeaveGroupOnClose(true);
    }

    static String destinationOf(Event event) {
        return switch (event) {
            case SubtaskRequested subtask -> Topics.requestsFor(subtask.agent());
            case AgentTaskCompleted ignored -> Topics.AGENT_RESULTS;
            case TaskPlanned plan when plan.replyPartition() != null -> Topics.AGENT_RESULTS;
            case TaskPlanned ignored -> Topics.CONVERSATION_EVENTS;
            default -> throw new IllegalStateException("the aggregator does not publish "
                    + event.getClass().getSimpleName());
        };
    }

    /**
     * A reply goes to the partition of agent-results its task named, which only that task's gateway reads; anything
     * else (and a reply whose task named no partition, from a gateway that reads them all) is partitioned by key.
     * A partition the topic does not have cannot be reached: the reply goes by key and is logged, since its gateway
     * (configured past the topic's partitions) will not see it.
     */
    static Optional<Set<Integer>> partitionsFor(String topic, String key, Event event, int partitions) {
        if (!(event instanceof TaskReply reply) || reply.replyPartition() == null
                || !Topics.AGENT_RESULTS.equals(topic)) {
            return Optional.empty();
        }
        if (reply.replyPartition() >= partitions) {
            log.warn("taskId={} conversationId={} names reply partition {}, but {} has {} partitions; sent by key",
                    reply.taskId(), reply.conversationId(), reply.replyPartition(), topic, partitions);
            return Optional.empty();
        }
        return Optional.of(Set.of(reply.replyPartition()));
    }

}
