package dev.agentmesh.events;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

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
        @JsonUnwrapped TaskHeader header,
        String role, String text, String userId) implements ConversationEvent {

    public static final String TYPE = "turn-recorded";

    public TurnRecorded {
        Require.present(header, "header");
        Require.text(role, "role");
        text = text == null ? "" : text;
        userId = userId == null || userId.isBlank() ? null : userId;
    }

    /** A turn without a user, as written before {@code userId} existed. */
    public TurnRecorded(TaskHeader header, String role, String text) {
        this(header, role, text, null);
    }

    public static TurnRecorded of(String taskId, String conversationId, String role, String text) {
        return of(taskId, conversationId, role, text, null);
    }

    public static TurnRecorded of(String taskId, String conversationId, String role, String text, String userId) {
        return new TurnRecorded(TaskHeader.of(taskId, conversationId), role, text, userId);
    }
}
