package dev.agentmesh.memory.api;

import dev.agentmesh.memory.history.Conversation;

import java.time.Instant;

/** One line of a user's conversation list. */
record ConversationSummary(String conversationId, Instant updatedAt, String title, int turns) {

    static ConversationSummary of(Conversation conversation) {
        return new ConversationSummary(conversation.conversationId(), conversation.updatedAt(), conversation.title(),
                conversation.turns().size());
    }
}
