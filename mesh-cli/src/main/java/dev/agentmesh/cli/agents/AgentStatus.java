package dev.agentmesh.cli.agents;

import java.time.Instant;
import java.util.List;

/**
 * One agent as the registry and its consumer groups show it.
 *
 * @param version the version its latest heartbeat announces
 * @param live whether some instance's heartbeat is recent ({@link AgentView#LIVENESS_INTERVALS} intervals)
 * @param instances every instance that announced itself in what the registry still holds, latest first
 * @param groups the consumer groups that committed offsets on its request topic
 */
public record AgentStatus(String agent, String description, String version, String requestTopic,
                          Instant lastHeartbeat, boolean live, List<Instance> instances, List<GroupLag> groups) {

    /** @param live its last heartbeat is younger than {@link AgentView#LIVENESS_INTERVALS} of its intervals */
    public record Instance(String instanceId, String version, Instant lastHeartbeat, long heartbeatIntervalMs,
                           boolean live) {
    }

    /**
     * @param state the group's state ({@code Stable}, {@code Empty}, …)
     * @param members consumers in the group now
     * @param lag records on the request topic after the group's committed offsets
     * @param partitions partitions of the request topic
     * @param uncommitted partitions without a committed offset, not counted in the lag
     */
    public record GroupLag(String groupId, String state, int members, long lag, int partitions, int uncommitted) {
    }
}
