package dev.agentmesh.events;

/** What travels on {@link Topics#CONVERSATION_EVENTS}: the audit log of a conversation. */
public sealed interface ConversationEvent extends TaskScoped permits TaskPlanned, TurnRecorded {
}
