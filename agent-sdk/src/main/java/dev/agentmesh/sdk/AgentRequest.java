package dev.agentmesh.sdk;

import dev.agentmesh.events.ContextEntry;
import dev.agentmesh.events.PriorAnswer;
import dev.agentmesh.events.SubtaskRequested;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What an agent is asked.
 *
 * @param text the request in the user's or the model's words
 * @param context recent conversation turns, oldest first
 * @param priorAnswers answers of earlier-stage agents (empty in stage 1)
 * @param deadline the agent's answer is useless after this instant
 */
public record AgentRequest(String taskId, String conversationId, String text, List<ContextEntry> context,
                           List<PriorAnswer> priorAnswers, int stage, Instant deadline) {

    public AgentRequest {
        context = context == null ? List.of() : List.copyOf(context);
        priorAnswers = priorAnswers == null ? List.of() : List.copyOf(priorAnswers);
    }

    public static AgentRequest from(SubtaskRequested subtask) {
        return new AgentRequest(subtask.taskId(), subtask.conversationId(), subtask.request(), subtask.context(),
                subtask.priorAnswers(), subtask.stage(), subtask.deadline());
    }

    /** A request for tests and local use: no context, a deadline {@code within} from now. */
    public static AgentRequest of(String text, Duration within) {
        return new AgentRequest("local", "local", text, List.of(), List.of(), 1, Instant.now().plus(within));
    }

    /** Time left until the deadline; zero or negative once it has passed. */
    public Duration remaining() {
        return Duration.between(Instant.now(), deadline);
    }
}
