package dev.agentmesh.events;

import java.time.Instant;

/** The user barged in or closed the session: the task's result is no longer wanted. */
public record AgentTaskCancelled(
        String eventId, Instant occurredAt, int schemaVersion, String taskId, String conversationId,
        String reason) implements TaskCommand {

    public static final String TYPE = "agent-task-cancelled";

    public AgentTaskCancelled {
        Require.text(eventId, "eventId");
        Require.present(occurredAt, "occurredAt");
        Require.version(schemaVersion);
        Require.text(taskId, "taskId");
        Require.text(conversationId, "conversationId");
    }

    public static AgentTaskCancelled of(String taskId, String conversationId, String reason) {
        return new AgentTaskCancelled(Ids.newId(), Instant.now(), SCHEMA_VERSION, taskId, conversationId, reason);
    }
}
