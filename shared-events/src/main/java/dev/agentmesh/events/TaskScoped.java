package dev.agentmesh.events;

import java.time.Instant;

/** An event that belongs to one delegated task (the correlation id) in one conversation. */
public sealed interface TaskScoped extends Event
        permits TaskCommand, SubtaskRequested, AgentReply, TaskReply, ConversationEvent {

    /** The event's id, time, schema version, task and conversation. */
    TaskHeader header();

    @Override
    default String eventId() {
        return header().eventId();
    }

    @Override
    default Instant occurredAt() {
        return header().occurredAt();
    }

    @Override
    default int schemaVersion() {
        return header().schemaVersion();
    }

    /** The correlation id: one per {@code ask_agents} call, shared by every event of that task. */
    default String taskId() {
        return header().taskId();
    }

    default String conversationId() {
        return header().conversationId();
    }
}
