package dev.agentmesh.events;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import java.time.Instant;
import java.util.List;

/**
 * The manager asks one agent one thing. Travels on {@link Topics#requestsFor(String) that agent's request topic}.
 *
 * @param stage 1 for agents that run first and in parallel, 2 for agents that build on stage-1 answers
 * @param priorAnswers the earlier stages' answers (empty in stage 1)
 * @param deadline the agent replies before this instant or not at all
 * @param user what the user's profile says, from the task; null when unknown
 */
public record SubtaskRequested(
        @JsonUnwrapped TaskHeader header,
        String agent, String request, List<ContextEntry> context, List<PriorAnswer> priorAnswers,
        int stage, Instant deadline, UserContext user) implements TaskScoped {

    public static final String TYPE = "subtask-requested";

    public SubtaskRequested {
        Require.present(header, "header");
        Require.text(agent, "agent");
        Require.text(request, "request");
        context = Require.list(context);
        priorAnswers = Require.list(priorAnswers);
        Require.present(deadline, "deadline");
    }

    /** A subtask written before subtasks carried the user's profile. */
    public SubtaskRequested(TaskHeader header, String agent, String request, List<ContextEntry> context,
                            List<PriorAnswer> priorAnswers, int stage, Instant deadline) {
        this(header, agent, request, context, priorAnswers, stage, deadline, null);
    }

    public static SubtaskRequested of(String taskId, String conversationId, String agent, String request,
                                      List<ContextEntry> context, List<PriorAnswer> priorAnswers, int stage,
                                      Instant deadline) {
        return of(taskId, conversationId, agent, request, context, priorAnswers, stage, deadline, null);
    }

    public static SubtaskRequested of(String taskId, String conversationId, String agent, String request,
                                      List<ContextEntry> context, List<PriorAnswer> priorAnswers, int stage,
                                      Instant deadline, UserContext user) {
        return new SubtaskRequested(TaskHeader.of(taskId, conversationId), agent, request, context, priorAnswers,
                stage, deadline, user);
    }
}
