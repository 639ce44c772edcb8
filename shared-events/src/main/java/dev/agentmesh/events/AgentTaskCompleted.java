package dev.agentmesh.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import java.util.List;

/**
 * The one result of a task: every planned agent's outcome. Published when all replies are in, or at the
 * deadline with the missing agents marked {@link AgentOutcome.Status#TIMED_OUT}.
 *
 * @param replyTo the gateway instance that holds the session, copied from the request
 * @param durationMs from the task's request to this result
 * @param replyPartition the partition of {@link Topics#AGENT_RESULTS} it was written to, copied from the request;
 *                       null when the request named none
 */
public record AgentTaskCompleted(
        @JsonUnwrapped TaskHeader header,
        String replyTo, List<AgentOutcome> outcomes, long durationMs, Integer replyPartition)
        implements TaskReply {

    public static final String TYPE = "agent-task-completed";

    public AgentTaskCompleted {
        Require.present(header, "header");
        outcomes = Require.list(outcomes);
        Require.partition(replyPartition, "replyPartition");
    }

    /** A result written before results named their partition. */
    public AgentTaskCompleted(TaskHeader header, String replyTo, List<AgentOutcome> outcomes, long durationMs) {
        this(header, replyTo, outcomes, durationMs, null);
    }

    public static AgentTaskCompleted of(String taskId, String conversationId, String replyTo,
                                        List<AgentOutcome> outcomes, long durationMs) {
        return of(taskId, conversationId, replyTo, null, outcomes, durationMs);
    }

    public static AgentTaskCompleted of(String taskId, String conversationId, String replyTo, Integer replyPartition,
                                        List<AgentOutcome> outcomes, long durationMs) {
        return new AgentTaskCompleted(TaskHeader.of(taskId, conversationId), replyTo, outcomes, durationMs,
                replyPartition);
    }

    /** True when some planned agent did not answer. */
    @JsonIgnore
    public boolean partial() {
        return outcomes.stream().anyMatch(outcome -> outcome.status() != AgentOutcome.Status.ANSWERED);
    }
}
