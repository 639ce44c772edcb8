package dev.agentmesh.events;

/** An event that belongs to one delegated task (the correlation id) in one conversation. */
public sealed interface TaskScoped extends Event
        permits TaskCommand, SubtaskRequested, AgentReply, TaskReply, ConversationEvent {

    /** The correlation id: one per {@code ask_agents} call, shared by every event of that task. */
    String taskId();

    String conversationId();
}
