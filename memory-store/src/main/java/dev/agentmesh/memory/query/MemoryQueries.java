package dev.agentmesh.memory.query;

import dev.agentmesh.events.UserProfile;
import dev.agentmesh.memory.MemoryProperties;
import dev.agentmesh.memory.history.UserHistory;
import dev.agentmesh.memory.store.MemoryMetrics;
import dev.agentmesh.memory.store.MemoryStores;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.stereotype.Component;

/**
 * Reads a user's memory from whichever instance owns the user's partition: this one's stores, or the owner's
 * over HTTP ({@link PeerClient}). Only a running stream answers, and only the active owner: while a store restores
 * or partitions move, or when the owner cannot be reached, a {@link StoreUnavailableException} (503) is the answer
 * rather than stale or missing data.
 */
@Component
public class MemoryQueries {

    private final StreamsBuilderFactoryBean streams;
    private final HostInfo self;
    private final PeerClient peers;
    private final MemoryMetrics metrics;

    MemoryQueries(StreamsBuilderFactoryBean streams, MemoryProperties properties, PeerClient peers,
                  MemoryMetrics metrics) {
        this.streams = streams;
        this.self = properties.advertisedHost();
        this.peers = peers;
        this.metrics = metrics;
    }

    /** The user's memory, from the owner of the user's partition. */
    public UserMemory read(String userId) {
        try {
            KeyQueryMetadata owner = owner(userId);
            if (self.equals(owner.activeHost())) {
                UserMemory memory = readOwned(owner.partition(), userId);
                metrics.read("local");
                return memory;
            }
            UserMemory memory = peers.fetch(owner.activeHost(), userId);
            metrics.read("remote");
            return memory;
        } catch (StoreUnavailableException e) {
            metrics.read("unavailable");
            throw e;
        }
    }

    /** For a peer's hop: answers only when this instance owns the user's partition now, never forwards again. */
    public UserMemory readLocal(String userId) {
        KeyQueryMetadata owner = owner(userId);
        if (!self.equals(owner.activeHost())) {
            throw new StoreUnavailableException("not the owner of the user's partition (it moved)");
        }
        return readOwned(owner.partition(), userId);
    }

    private KeyQueryMetadata owner(String userId) {
        KafkaStreams kafkaStreams = running();
        KeyQueryMetadata owner = kafkaStreams.queryMetadataForKey(MemoryStores.CONVERSATIONS, userId,
                Serdes.String().serializer());
        if (owner == null || KeyQueryMetadata.NOT_AVAILABLE.equals(owner) || owner.activeHost() == null) {
            throw new StoreUnavailableException("the owner of the user's partition is not known yet");
        }
        return owner;
    }

    private UserMemory readOwned(int partition, String userId) {
        KafkaStreams kafkaStreams = running();
        try {
            ReadOnlyKeyValueStore<String, UserHistory> conversations = kafkaStreams.store(
                    StoreQueryParameters.fromNameAndType(MemoryStores.CONVERSATIONS,
                            QueryableStoreTypes.<String, UserHistory>keyValueStore()).withPartition(partition));
            ReadOnlyKeyValueStore<String, UserProfile> profiles = kafkaStreams.store(
                    StoreQueryParameters.fromNameAndType(MemoryStores.PROFILES,
                            QueryableStoreTypes.<String, UserProfile>keyValueStore()).withPartition(partition));
            return new UserMemory(conversations.get(userId), profiles.get(userId));
        } catch (InvalidStateStoreException e) {
            throw new StoreUnavailableException("the user's store is restoring or moving", e);
        }
    }

    private KafkaStreams running() {
        KafkaStreams kafkaStreams = streams.getKafkaStreams();
        if (kafkaStreams == null) {
            throw new StoreUnavailableException("the memory stream has not started");
        }
        KafkaStreams.State state = kafkaStreams.state();
        if (state != KafkaStreams.State.RUNNING) {
            throw new StoreUnavailableException("the memory stream is " + state);
        }
        return kafkaStreams;
    }
}
