package dev.agentmesh.events;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** An agent could not answer its subtask, and says why. */
public record SubtaskFailed(
        @JsonUnwrapped TaskHeader header,
        String agent, String reason, long durationMs) implements AgentReply {

    public static final String TYPE = "subtask-failed";

    public SubtaskFailed {
        Require.present(header, "header");
        Require.text(agent, "agent");
        Require.text(reason, "reason");
    }

    public static SubtaskFailed of(String taskId, String conversationId, String agent, String reason,
                                   long durationMs) {
        return new SubtaskFailed(TaskHeader.of(taskId, conversationId), agent, reason, durationMs);
    }
}
