package dev.agentmesh.events;

import java.time.Instant;
import java.util.List;

/**
 * An agent instance announces its card; repeated as a heartbeat. Keyed by agent name on the compacted
 * {@link Topics#AGENT_REGISTRY}, so the latest heartbeat per agent is what a new reader sees. Not task-scoped: it
 * carries no task or conversation id. The A2A part of the card is {@link #card()}; the rest is the mesh's.
 *
 * @param agent the card's {@code name}; also the request topic's prefix
 * @param description what the agent can do, in words (A2A {@code description})
 * @param requestTopic where the agent consumes its subtasks (the mesh's stand-in for A2A {@code supportedInterfaces})
 * @param version the agent's version (A2A {@code version})
 * @param heartbeatIntervalMs how often the instance repeats this event; readers judge liveness from it
 * @param defaultInputModes A2A {@code defaultInputModes}; added in schema 1 as nullable, absent from older agents
 * @param defaultOutputModes A2A {@code defaultOutputModes}; nullable as above
 * @param skills A2A {@code skills}, with examples; nullable as above (an older agent is planned from its description)
 */
public record AgentRegistered(
        String eventId, Instant occurredAt, int schemaVersion, String agent, String description,
        String requestTopic, String version, String instanceId, long heartbeatIntervalMs,
        List<String> defaultInputModes, List<String> defaultOutputModes, List<AgentSkill> skills) implements Event {

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
        defaultInputModes = Require.list(defaultInputModes);
        defaultOutputModes = Require.list(defaultOutputModes);
        skills = Require.list(skills);
    }

    public static AgentRegistered of(AgentCard card, String instanceId, long heartbeatIntervalMs) {
        return new AgentRegistered(Ids.newId(), Instant.now(), SCHEMA_VERSION, card.name(), card.description(),
                Topics.requestsFor(card.name()), card.version(), instanceId, heartbeatIntervalMs,
                card.defaultInputModes(), card.defaultOutputModes(), card.skills());
    }

    /** The A2A part of what this event announces. */
    public AgentCard card() {
        return new AgentCard(agent, description, version, defaultInputModes, defaultOutputModes, skills);
    }
}
