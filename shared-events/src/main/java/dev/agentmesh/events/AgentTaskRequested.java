package dev.agentmesh.events;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import java.time.Instant;
import java.util.List;

/**
 * The realtime model asked the agents something. Published by the gateway that holds the session.
 *
 * @param request the question in the model's words (the {@code ask_agents} argument)
 * @param context recent turns and this session's earlier agent results, oldest first
 * @param deadline after this instant the manager publishes whatever it has
 * @param replyTo the gateway instance that holds the session; copied to the result
 * @param user what the user's profile says (home city, units, interests, name, language); null when unknown
 * @param replyPartition the partition of {@link Topics#AGENT_RESULTS} that gateway instance reads: the manager
 *                       writes this task's plan and result there. Null in tasks written before gateways read by
 *                       partition; their result is partitioned by task id, as it was then
 */
public record AgentTaskRequested(
        @JsonUnwrapped TaskHeader header,
        String request, List<ContextEntry> context, Instant deadline, String replyTo, UserContext user,
        Integer replyPartition) implements TaskCommand {

    public static final String TYPE = "agent-task-requested";

    public AgentTaskRequested {
        Require.present(header, "header");
        Require.text(request, "request");
        context = Require.list(context);
        Require.present(deadline, "deadline");
        Require.partition(replyPartition, "replyPartition");
    }

    /** A task written before tasks named their reply partition. */
    public AgentTaskRequested(TaskHeader header, String request, List<ContextEntry> context, Instant deadline,
                              String replyTo, UserContext user) {
        this(header, request, context, deadline, replyTo, user, null);
    }

    /** A task written before tasks carried the user's profile. */
    public AgentTaskRequested(TaskHeader header, String request, List<ContextEntry> context, Instant deadline,
                              String replyTo) {
        this(header, request, context, deadline, replyTo, null, null);
    }

    public static AgentTaskRequested of(String taskId, String conversationId, String request,
                                        List<ContextEntry> context, Instant deadline, String replyTo) {
        return of(taskId, conversationId, request, context, deadline, replyTo, null);
    }

    public static AgentTaskRequested of(String taskId, String conversationId, String request,
                                        List<ContextEntry> context, Instant deadline, String replyTo,
                                        UserContext user) {
        return of(taskId, conversationId, request, context, deadline, replyTo, user, null);
    }

    public static AgentTaskRequested of(String taskId, String conversationId, String request,
                                        List<ContextEntry> context, Instant deadline, String replyTo,
                                        UserContext user, Integer replyPartition) {
        return new AgentTaskRequested(TaskHeader.of(taskId, conversationId), request, context, deadline, replyTo, user,
                replyPartition);
    }
}
