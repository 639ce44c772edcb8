package dev.agentmesh.events;

import java.time.Instant;

/** An agent answered its subtask. */
public record SubtaskCompleted(
        String eventId, Instant occurredAt, int schemaVersion, String taskId, String conversationId,
        String agent, String answer, long durationMs) implements AgentReply {

    public static final String TYPE = "subtask-completed";

    public SubtaskCompleted {
        Require.text(eventId, "eventId");
        Require.present(occurredAt, "occurredAt");
        Require.version(schemaVersion);
        Require.text(taskId, "taskId");
        Require.text(conversationId, "conversationId");
        Require.text(agent, "agent");
        Require.present(answer, "answer");
    }

    public static SubtaskCompleted of(String taskId, String conversationId, String agent, String answer,
                                      long durationMs) {
        return new SubtaskCompleted(Ids.newId(), Instant.now(), SCHEMA_VERSION, taskId, conversationId, agent,
                answer, durationMs);
    }
}
