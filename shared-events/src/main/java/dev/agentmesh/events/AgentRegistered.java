package dev.agentmesh.events;

import java.time.Instant;

/**
 * An agent instance announces itself; repeated as a heartbeat. Keyed by agent name on the compacted
 * {@link Topics#AGENT_REGISTRY}, so the latest heartbeat per agent is what a new reader sees. Not
 * task-scoped: it carries no task or conversation id.
 *
 * @param description what the agent can do, in words; the planner routes on it
 * @param heartbeatIntervalMs how often the instance repeats this event; readers judge liveness from it
 */
public record AgentRegistered(
        String eventId, Instant occurredAt, int schemaVersion, String agent, String description,
        String requestTopic, String version, String instanceId, long heartbeatIntervalMs) implements Event {

    public static final String TYPE = "agent-registered";

    public AgentRegistered {
        Require.text(eventId, "eventId");
        Require.present(occurredAt, "occurredAt");
        Require.version(schemaVersion);
        Require.text(agent, "agent");
        Require.text(description, "description");
        Require.text(requestTopic, "requestTopic");
        if (heartbeatIntervalMs <= 0) {
            throw new IllegalArgumentException("heartbeatIntervalMs must be positive");
        }
    }

    public static AgentRegistered of(String agent, String description, String version, String instanceId,
                                     long heartbeatIntervalMs) {
        return new AgentRegistered(Ids.newId(), Instant.now(), SCHEMA_VERSION, agent, description,
                Topics.requestsFor(agent), version, instanceId, heartbeatIntervalMs);
    }
}
