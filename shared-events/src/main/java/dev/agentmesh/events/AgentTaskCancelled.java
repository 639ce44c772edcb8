package dev.agentmesh.events;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** The user barged in or closed the session: the task's result is no longer wanted. */
public record AgentTaskCancelled(
        @JsonUnwrapped TaskHeader header,
        String reason) implements TaskCommand {

    public static final String TYPE = "agent-task-cancelled";

    public AgentTaskCancelled {
        Require.present(header, "header");
    }

    public static AgentTaskCancelled of(String taskId, String conversationId, String reason) {
        return new AgentTaskCancelled(TaskHeader.of(taskId, conversationId), reason);
    }
}
