package dev.agentmesh.events;

import java.time.Instant;
import java.util.List;

/**
 * The manager decided which agents answer a task, in which stages.
 *
 * @param stages agent names per stage; stage 1 first
 * @param planner which planner decided ({@code llm} or {@code local})
 * @param rationale a short human-readable reason
 */
public record TaskPlanned(
        String eventId, Instant occurredAt, int schemaVersion, String taskId, String conversationId,
        String request, List<List<String>> stages, String planner, String rationale) implements ConversationEvent {

    public static final String TYPE = "task-planned";

    public TaskPlanned {
        Require.text(eventId, "eventId");
        Require.present(occurredAt, "occurredAt");
        Require.version(schemaVersion);
        Require.text(taskId, "taskId");
        Require.text(conversationId, "conversationId");
        stages = Require.list(stages).stream().map(List::copyOf).toList();
    }

    public static TaskPlanned of(String taskId, String conversationId, String request, List<List<String>> stages,
                                 String planner, String rationale) {
        return new TaskPlanned(Ids.newId(), Instant.now(), SCHEMA_VERSION, taskId, conversationId, request, stages,
                planner, rationale);
    }
}
