package dev.agentmesh.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What one agent contributed to a task's result.
 *
 * @param answer the agent's answer, or null unless {@code status} is {@link Status#ANSWERED}
 * @param reason why the agent failed or timed out, or null when it answered
 * @param durationMs how long the agent took, or null when it timed out
 * @param truncated true when the answer or reason was cut to a size cap (by the agent or the manager; the text then
 *                  ends with {@link CappedText#marker a truncation marker}); null (absent on the wire) when whole
 */
public record AgentOutcome(String agent, Status status, String answer, String reason, Long durationMs, int stage,
                           Boolean truncated) {

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
        return new AgentOutcome(agent, Status.ANSWERED, answer, null, durationMs, stage, null);
    }

    public static AgentOutcome failed(String agent, String reason, long durationMs, int stage) {
        return new AgentOutcome(agent, Status.FAILED, null, reason, durationMs, stage, null);
    }

    public static AgentOutcome timedOut(String agent, String reason, int stage) {
        return new AgentOutcome(agent, Status.TIMED_OUT, null, reason, null, stage, null);
    }

    /** The answer or the reason, whichever this outcome carries. */
    @JsonIgnore
    public String text() {
        return answer != null ? answer : reason;
    }

    /** True when the answer or reason was cut to a size cap. */
    @JsonIgnore
    public boolean wasTruncated() {
        return Boolean.TRUE.equals(truncated);
    }

    /**
     * This outcome with its text (answer or reason) capped to {@code maxBytes} of UTF-8; marked truncated when it
     * was cut now or had been before.
     */
    public AgentOutcome cappedTo(int maxBytes) {
        String text = text();
        if (text == null) {
            return this;
        }
        CappedText capped = CappedText.of(text, maxBytes);
        if (!capped.truncated()) {
            return this;
        }
        return new AgentOutcome(agent, status, answer != null ? capped.text() : null,
                answer != null ? reason : capped.text(), durationMs, stage, Boolean.TRUE);
    }

    /** Marks this outcome truncated (an agent said it cut its answer). */
    public AgentOutcome markedTruncated() {
        return wasTruncated() ? this : new AgentOutcome(agent, status, answer, reason, durationMs, stage, Boolean.TRUE);
    }
}
