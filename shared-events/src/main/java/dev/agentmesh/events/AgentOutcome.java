package dev.agentmesh.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What one agent contributed to a task's result.
 *
 * @param answer the agent's answer, or null unless {@code status} is {@link Status#ANSWERED}
 * @param reason why the agent failed or timed out, or null when it answered
 * @param durationMs how long the agent took, or null when it timed out
 */
public record AgentOutcome(String agent, Status status, String answer, String reason, Long durationMs, int stage) {

    public enum Status {
        @JsonProperty("answered") ANSWERED,
        @JsonProperty("failed") FAILED,
        @JsonProperty("timed_out") TIMED_OUT
    }

    public AgentOutcome {
        Require.text(agent, "agent");
        Require.present(status, "status");
    }

    public static AgentOutcome answered(String agent, String answer, long durationMs, int stage) {
        return new AgentOutcome(agent, Status.ANSWERED, answer, null, durationMs, stage);
    }

    public static AgentOutcome failed(String agent, String reason, long durationMs, int stage) {
        return new AgentOutcome(agent, Status.FAILED, null, reason, durationMs, stage);
    }

    public static AgentOutcome timedOut(String agent, String reason, int stage) {
        return new AgentOutcome(agent, Status.TIMED_OUT, null, reason, null, stage);
    }
}
