package dev.agentmesh.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * An agent answered its subtask.
 *
 * @param truncated true when the answer was cut to the agent's size cap (it then ends with
 *                  {@link CappedText#marker a truncation marker}); null (absent on the wire) when it is whole
 */
public record SubtaskCompleted(
        @JsonUnwrapped TaskHeader header,
        String agent, String answer, long durationMs, Boolean truncated) implements AgentReply {

    public static final String TYPE = "subtask-completed";

    public SubtaskCompleted {
        Require.present(header, "header");
        Require.text(agent, "agent");
        Require.present(answer, "answer");
    }

    public static SubtaskCompleted of(String taskId, String conversationId, String agent, String answer,
                                      long durationMs) {
        return new SubtaskCompleted(TaskHeader.of(taskId, conversationId), agent, answer, durationMs, null);
    }

    /** The answer as capped; marked truncated only when the cap cut it. */
    public static SubtaskCompleted of(String taskId, String conversationId, String agent, CappedText answer,
                                      long durationMs) {
        return new SubtaskCompleted(TaskHeader.of(taskId, conversationId), agent, answer.text(), durationMs,
                answer.truncated() ? Boolean.TRUE : null);
    }

    /** True when the agent's answer was cut to its size cap. */
    @JsonIgnore
    public boolean wasTruncated() {
        return Boolean.TRUE.equals(truncated);
    }
}
