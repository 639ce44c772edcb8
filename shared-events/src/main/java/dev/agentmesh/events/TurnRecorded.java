package dev.agentmesh.events;

import java.time.Instant;

/**
 * A turn of the conversation, as the gateway saw it.
 *
 * @param taskId the task this turn belongs to, or the turn's own id when no task is involved
 * @param role {@code user}, {@code assistant}, {@code tool-call} or {@code tool-result}
 */
public record TurnRecorded(
        String eventId, Instant occurredAt, int schemaVersion, String taskId, String conversationId,
        String role, String text) implements ConversationEvent {

    public static final String TYPE = "turn-recorded";

    public TurnRecorded {
        Require.text(eventId, "eventId");
        Require.present(occurredAt, "occurredAt");
        Require.version(schemaVersion);
        Require.text(taskId, "taskId");
        Require.text(conversationId, "conversationId");
        Require.text(role, "role");
        text = text == null ? "" : text;
    }

    public static TurnRecorded of(String taskId, String conversationId, String role, String text) {
        return new TurnRecorded(Ids.newId(), Instant.now(), SCHEMA_VERSION, taskId, conversationId, role, text);
    }
}
