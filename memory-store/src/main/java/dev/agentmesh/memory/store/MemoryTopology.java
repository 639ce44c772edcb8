package dev.agentmesh.memory.store;

import dev.agentmesh.events.Event;
import dev.agentmesh.events.Topics;
import dev.agentmesh.events.TurnRecorded;
import dev.agentmesh.events.kafka.EventSerde;
import dev.agentmesh.kafka.DeclaredTopics;
import dev.agentmesh.kafka.MeshKafkaProperties;
import dev.agentmesh.memory.MemoryProperties;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.springframework.kafka.config.StreamsBuilderFactoryBeanConfigurer;
import org.springframework.kafka.core.KafkaAdmin;

import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The memory topology. Turns that carry a user id are read from conversation-events (keyed by conversation),
 * re-keyed by user into the {@code turns-by-user} repartition topic, and merged with memory-commands (keyed by
 * user, with as many partitions): so partition {@code p} of both holds the same users, and one
 * {@link MemoryProcessor} per partition is the only writer of their history, profile and forget-me marker. Profile
 * changes go out on user-profiles. Every store is a persistent store backed by a compacted changelog, so an
 * instance that starts (or takes a partition over) restores it.
 */
@Configuration(proxyBeanMethods = false)
@EnableKafkaStreams
class MemoryTopology {

    static final String TURNS_BY_USER = "turns-by-user";

    /**
     * conversation-events is declared here with its retention, because it is the one place raw turns stay after
     * forget-me; spring.kafka.admin.modify-topic-configs applies a changed setting to an existing topic.
     */
    @Bean
    KafkaAdmin.NewTopics memoryTopics(MeshKafkaProperties mesh, MemoryProperties properties) {
        String compactionLag = String.valueOf(properties.topics().compactionLag().toMillis());
        return new KafkaAdmin.NewTopics(
                DeclaredTopics.builder(Topics.CONVERSATION_EVENTS, mesh)
                        .config(TopicConfig.RETENTION_MS_CONFIG,
                                String.valueOf(properties.topics().auditRetention().toMillis()))
                        .build(),
                DeclaredTopics.builder(Topics.USER_PROFILES, mesh)
                        .config(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, compactionLag).build(),
                DeclaredTopics.builder(Topics.MEMORY_COMMANDS, mesh).build(),
                DeclaredTopics.builder(Topics.deadLetterFor(Topics.CONVERSATION_EVENTS), mesh).build(),
                DeclaredTopics.builder(Topics.deadLetterFor(Topics.MEMORY_COMMANDS), mesh).build());
    }

    @Bean
    KStream<String, Event> memory(StreamsBuilder builder, MeshKafkaProperties mesh, MemoryProperties properties,
                                  MemoryMetrics metrics) {
        MemorySettings settings = MemorySettings.from(properties);
        return define(builder, mesh.partitions(), properties.topics().compactionLag().toMillis(),
                () -> new MemoryProcessor(settings, metrics, Clock.systemUTC()));
    }

    static KStream<String, Event> define(StreamsBuilder builder, int partitions, long compactionLagMs,
                                         Supplier<MemoryProcessor> processor) {
        EventSerde events = new EventSerde();
        Map<String, String> changelog = Map.of(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, String.valueOf(compactionLagMs));
        builder.addStateStore(store(MemoryStores.CONVERSATIONS, StoreJson.historySerde(), changelog));
        builder.addStateStore(store(MemoryStores.PROFILES, StoreJson.profileSerde(), changelog));
        builder.addStateStore(store(MemoryStores.FORGOTTEN, Serdes.Long(), changelog));

        KStream<String, Event> turnsByUser = builder
                .stream(Topics.CONVERSATION_EVENTS, Consumed.with(Serdes.String(),
                        Serdes.serdeFrom(new EventSerde().serializer(), new TurnsOnlyDeserializer())))
                .filter((conversationId, event) -> event instanceof TurnRecorded turn && turn.userId() != null)
                .selectKey((conversationId, event) -> ((TurnRecorded) event).userId())
                .repartition(Repartitioned.<String, Event>as(TURNS_BY_USER).withKeySerde(Serdes.String())
                        .withValueSerde(events).withNumberOfPartitions(partitions));
        KStream<String, Event> commands = builder.stream(Topics.MEMORY_COMMANDS,
                Consumed.with(Serdes.String(), events));
        KStream<String, Event> memory = turnsByUser.merge(commands);
        memory.process(processor::get, MemoryStores.CONVERSATIONS, MemoryStores.PROFILES, MemoryStores.FORGOTTEN)
                .to(Topics.USER_PROFILES, Produced.with(Serdes.String(), events));
        return memory;
    }

    private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name,
            org.apache.kafka.common.serialization.Serde<V> values, Map<String, String> changelog) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values)
                .withLoggingEnabled(changelog);
    }

    /** A stopping instance leaves the group, so another takes its partitions over at once. */
    @Bean
    StreamsBuilderFactoryBeanConfigurer memoryStreamsLifecycle(StreamsState state) {
        return factoryBean -> {
            factoryBean.setLeaveGroupOnClose(true);
            factoryBean.setStateListener(state);
        };
    }
}
