package dev.agentmesh.sdk;

import dev.agentmesh.events.ContextEntry;
import dev.agentmesh.events.PriorAnswer;
import dev.agentmesh.events.SubtaskRequested;
import dev.agentmesh.events.UserContext;

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
 * @param user what the user's profile says (home city, units, interests, name, language); null when unknown —
 *             agents adapt to it: a place or units the request does not name, news the user follows, a name
 */
public record AgentRequest(String taskId, String conversationId, String text, List<ContextEntry> context,
                           List<PriorAnswer> priorAnswers, int stage, Instant deadline, UserContext user) {

    public AgentRequest {
        context = context == null ? List.of() : List.copyOf(context);
        priorAnswers = priorAnswers == null ? List.of() : List.copyOf(priorAnswers);
    }

    /** A request without anything known about the user. */
    public AgentRequest(String taskId, String conversationId, String text, List<ContextEntry> context,
                        List<PriorAnswer> priorAnswers, int stage, Instant deadline) {
        this(taskId, conversationId, text, context, priorAnswers, stage, deadline, null);
    }

    public static AgentRequest from(SubtaskRequested subtask) {
        return new AgentRequest(subtask.taskId(), subtask.conversationId(), subtask.request(), subtask.context(),
                subtask.priorAnswers(), subtask.stage(), subtask.deadline(), subtask.user());
    }

    /** The same request, for a user the profile describes. */
    public AgentRequest forUser(UserContext profile) {
        return new AgentRequest(taskId, conversationId, text, context, priorAnswers, stage, deadline, profile);
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
