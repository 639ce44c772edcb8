package dev.agentmesh.events;

import java.time.Instant;

/** An agent could not answer its subtask, and says why. */
public record SubtaskFailed(
        String eventId, Instant occurredAt, int schemaVersion, String taskId, String conversationId,
        String agent, String reason, long durationMs) implements AgentReply {

    public static final String TYPE = "subtask-failed";

    public SubtaskFailed {
        Require.text(eventId, "eventId");
        Require.present(occurredAt, "occurredAt");
        Require.version(schemaVersion);
        Require.text(taskId, "taskId");
        Require.text(conversationId, "conversationId");
        Require.text(agent, "agent");
        Require.text(reason, "reason");
    }

    public static SubtaskFailed of(String taskId, String conversationId, String agent, String reason,
                                   long durationMs) {
        return new SubtaskFailed(Ids.newId(), Instant.now(), SCHEMA_VERSION, taskId, conversationId, agent, reason,
                durationMs);
    }
}
