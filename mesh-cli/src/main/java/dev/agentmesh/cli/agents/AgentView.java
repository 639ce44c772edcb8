package dev.agentmesh.cli.agents;

import dev.agentmesh.cli.kafka.PartitionReader;
import dev.agentmesh.events.AgentRegistered;
import dev.agentmesh.events.Event;
import dev.agentmesh.events.EventCodec;
import dev.agentmesh.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The agents: who announced itself in {@code agent-registry} (read whole, group-less: every heartbeat compaction has
 * not yet removed, so every recent instance), and for each agent the consumer groups that committed offsets on its
 * request topic, with their lag (end offsets minus committed offsets, from the Admin API). It knows no agent by
 * name and no group naming rule: both come from what the cluster holds.
 */
public final class AgentView {

    /** An instance counts as live while its last heartbeat is younger than this many of its intervals. */
    public static final int LIVENESS_INTERVALS = 4;
    private static final long ADMIN_TIMEOUT_SECONDS = 15;

    private final PartitionReader reader;
    private final Admin admin;
    private final Clock clock;

    public AgentView(PartitionReader reader, Admin admin, Clock clock) {
        this.reader = reader;
        this.admin = admin;
        this.clock = clock;
    }

    public List<AgentStatus> agents() {
        Map<String, Map<String, AgentRegistered>> byAgent = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : reader.read(reader.partitionsOf(Topics.AGENT_REGISTRY), null,
                r -> r.value() != null)) {
            try {
                Event event = EventCodec.decode(record.value());
                if (event instanceof AgentRegistered registered) {
                    byAgent.computeIfAbsent(registered.agent(), a -> new HashMap<>()).merge(registered.instanceId() == null
                            ? "(unnamed)" : registered.instanceId(), registered,
                            (a, b) -> a.occurredAt().isAfter(b.occurredAt()) ? a : b);
                }
            } catch (RuntimeException notAnEvent) {
                // a record the registry's readers dead-letter; not an agent
            }
        }
        Map<String, List<AgentStatus.GroupLag>> lags = lagsByTopic(byAgent.values().stream()
                .flatMap(m -> m.values().stream()).map(AgentRegistered::requestTopic).distinct().toList());
        Instant now = clock.instant();
        List<AgentStatus> agents = new ArrayList<>();
        byAgent.forEach((agent, instances) -> {
            List<AgentStatus.Instance> lines = instances.values().stream()
                    .sorted(Comparator.comparing(AgentRegistered::occurredAt).reversed())
                    .map(r -> new AgentStatus.Instance(r.instanceId(), r.version(), r.occurredAt(),
                            r.heartbeatIntervalMs(), isLive(r, now))).toList();
            AgentRegistered latest = instances.values().stream().max(Comparator.comparing(AgentRegistered::occurredAt))
                    .orElseThrow();
            agents.add(new AgentStatus(agent, latest.description(), latest.version(), latest.requestTopic(),
                    latest.occurredAt(), lines.stream().anyMatch(AgentStatus.Instance::live), lines,
                    lags.getOrDefault(latest.requestTopic(), List.of())));
        });
        return agents;
    }

    private static boolean isLive(AgentRegistered registered, Instant now) {
        return Duration.between(registered.occurredAt(), now).toMillis()
                <= LIVENESS_INTERVALS * registered.heartbeatIntervalMs();
    }

    /** For each topic, the consumer groups with committed offsets on it and their lag. */
    private Map<String, List<AgentStatus.GroupLag>> lagsByTopic(List<String> topics) {
        Map<String, List<AgentStatus.GroupLag>> lags = new HashMap<>();
        if (topics.isEmpty()) {
            return lags;
        }
        List<String> groups = get(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all()).stream()
                .map(GroupListing::groupId).sorted().toList();
        if (groups.isEmpty()) {
            return lags;
        }
        Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
        groups.forEach(group -> specs.put(group, new ListConsumerGroupOffsetsSpec()));
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = get(admin.listConsumerGroupOffsets(specs).all());
        Map<String, ConsumerGroupDescription> described = get(admin.describeConsumerGroups(groups).all());
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<String, List<TopicPartition>> partitions = new HashMap<>();
        for (String topic : topics) {
            List<TopicPartition> of = reader.partitionsOf(topic);
            partitions.put(topic, of);
            of.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        get(admin.listOffsets(latest).all()).forEach((partition, info) -> ends.put(partition, info.offset()));
        for (String group : groups) {
            Map<TopicPartition, OffsetAndMetadata> offsets = committed.getOrDefault(group, Map.of());
            for (String topic : topics) {
                List<TopicPartition> of = partitions.get(topic);
                if (of.stream().noneMatch(p -> offsets.get(p) != null)) {
                    continue;
                }
                long lag = 0;
                int uncommitted = 0;
                for (TopicPartition partition : of) {
                    OffsetAndMetadata offset = offsets.get(partition);
                    if (offset == null) {
                        uncommitted++;
                    } else {
                        lag += Math.max(0, ends.get(partition) - offset.offset());
                    }
                }
                ConsumerGroupDescription description = described.get(group);
                lags.computeIfAbsent(topic, t -> new ArrayList<>()).add(new AgentStatus.GroupLag(group,
                        description == null ? "unknown" : description.groupState().toString(),
                        description == null ? 0 : description.members().size(), lag, of.size(), uncommitted));
            }
        }
        return lags;
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the cluster refused: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer from the cluster within " + ADMIN_TIMEOUT_SECONDS + " s", e);
        }
    }
}
