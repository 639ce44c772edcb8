package dev.agentmesh.events;

import java.time.Instant;

/**
 * A turn of the conversation, as the gateway saw it.
 *
 * @param taskId the task this turn belongs to, or the turn's own id when no task is involved
 * @param role {@code user}, {@code assistant}, {@code tool-call} or {@code tool-result}
 * @param userId the authenticated user the conversation belongs to, or null when the writer did not know it
 *               (written before the field existed, or by a writer without an identity); the memory store keeps
 *               history and learns profiles only from turns that carry one
 */
public record TurnRecorded(
        String eventId, Instant occurredAt, int schemaVersion, String taskId, String conversationId,
        String role, String text, String userId) implements ConversationEvent {

    public static final String TYPE = "turn-recorded";

    public TurnRecorded {
        Require.text(eventId, "eventId");
        Require.present(occurredAt, "occurredAt");
        Require.version(schemaVersion);
        Require.text(taskId, "taskId");
        Require.text(conversationId, "conversationId");
        Require.text(role, "role");
        text = text == null ? "" : text;
        userId = userId == null || userId.isBlank() ? null : userId;
    }

    /** A turn without a user, as written before {@code userId} existed. */
    public TurnRecorded(String eventId, Instant occurredAt, int schemaVersion, String taskId, String conversationId,
                        String role, String text) {
        this(eventId, occurredAt, schemaVersion, taskId, conversationId, role, text, null);
    }

    public static TurnRecorded of(String taskId, String conversationId, String role, String text) {
        return of(taskId, conversationId, role, text, null);
    }

    public static TurnRecorded of(String taskId, String conversationId, String role, String text, String userId) {
        return new TurnRecorded(Ids.newId(), Instant.now(), SCHEMA_VERSION, taskId, conversationId, role, text,
                userId);
    }
}
