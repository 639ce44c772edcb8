package dev.agentmesh.events;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import java.util.List;

/**
 * The manager decided which agents answer a task, in which stages.
 *
 * @param stages agent names per stage; stage 1 first
 * @param planner which planner decided ({@code llm} or {@code local})
 * @param rationale a short human-readable reason
 * @param replyTo null on the audit log ({@link Topics#CONVERSATION_EVENTS}); on {@link Topics#AGENT_RESULTS}, the
 *                gateway instance that holds the session
 * @param replyPartition null on the audit log; on {@link Topics#AGENT_RESULTS}, the partition it was written to
 */
public record TaskPlanned(
        @JsonUnwrapped TaskHeader header,
        String request, List<List<String>> stages, String planner, String rationale, String replyTo,
        Integer replyPartition) implements ConversationEvent, TaskReply {

    public static final String TYPE = "task-planned";

    public TaskPlanned {
        Require.present(header, "header");
        stages = Require.list(stages).stream().map(List::copyOf).toList();
        Require.partition(replyPartition, "replyPartition");
    }

    /** A plan as the audit log has it (and as plans were written before they travelled to the gateway). */
    public TaskPlanned(TaskHeader header, String request, List<List<String>> stages, String planner,
                       String rationale) {
        this(header, request, stages, planner, rationale, null, null);
    }

    /** The same plan, addressed to the gateway instance that holds the session (same event id: one plan). */
    public TaskPlanned addressedTo(String gateway, int partition) {
        return new TaskPlanned(header, request, stages, planner, rationale, gateway, partition);
    }

    public static TaskPlanned of(String taskId, String conversationId, String request, List<List<String>> stages,
                                 String planner, String rationale) {
        return new TaskPlanned(TaskHeader.of(taskId, conversationId), request, stages, planner, rationale);
    }
}
