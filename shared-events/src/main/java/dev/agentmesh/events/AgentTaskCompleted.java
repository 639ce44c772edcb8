package dev.agentmesh.events;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;
import java.util.List;

/**
 * The one result of a task: every planned agent's outcome. Published when all replies are in, or at the
 * deadline with the missing agents marked {@link AgentOutcome.Status#TIMED_OUT}.
 *
 * @param replyTo the gateway instance that holds the session, copied from the request
 * @param durationMs from the task's request to this result
 */
public record AgentTaskCompleted(
        String eventId, Instant occurredAt, int schemaVersion, String taskId, String conversationId,
        String replyTo, List<AgentOutcome> outcomes, long durationMs) implements TaskScoped {

    public static final String TYPE = "agent-task-completed";

    public AgentTaskCompleted {
        Require.text(eventId, "eventId");
        Require.present(occurredAt, "occurredAt");
        Require.version(schemaVersion);
        Require.text(taskId, "taskId");
        Require.text(conversationId, "conversationId");
        outcomes = Require.list(outcomes);
    }

    public static AgentTaskCompleted of(String taskId, String conversationId, String replyTo,
                                        List<AgentOutcome> outcomes, long durationMs) {
        return new AgentTaskCompleted(Ids.newId(), Instant.now(), SCHEMA_VERSION, taskId, conversationId, replyTo,
                outcomes, durationMs);
    }

    /** True when some planned agent did not answer. */
    @JsonIgnore
    public boolean partial() {
        return outcomes.stream().anyMatch(outcome -> outcome.status() != AgentOutcome.Status.ANSWERED);
    }
}
