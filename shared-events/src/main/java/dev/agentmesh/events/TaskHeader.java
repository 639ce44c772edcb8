package dev.agentmesh.events;

import java.time.Instant;

/**
 * What every {@link TaskScoped} event starts with: its id, when it happened, the schema version it was written
 * with, and the task and conversation it belongs to. Checked here once, so no event decodes without them.
 * <p>
 * On the wire the five fields stay flat, right after {@code type}, as they were before this record existed: each
 * event declares it {@code @JsonUnwrapped}.
 */
public record TaskHeader(String eventId, Instant occurredAt, int schemaVersion, String taskId,
                         String conversationId) {

    public TaskHeader {
        Require.text(eventId, "eventId");
        Require.present(occurredAt, "occurredAt");
        Require.version(schemaVersion);
        Require.text(taskId, "taskId");
        Require.text(conversationId, "conversationId");
    }

    /** The header of an event written now by this code: a new id, this instant, {@link Event#SCHEMA_VERSION}. */
    public static TaskHeader of(String taskId, String conversationId) {
        return new TaskHeader(Ids.newId(), Instant.now(), Event.SCHEMA_VERSION, taskId, conversationId);
    }
}
