package dev.agentmesh.memory.api;

import dev.agentmesh.memory.history.Conversation;
import dev.agentmesh.memory.history.Turn;

import java.util.List;

/** One conversation with its kept turns, oldest first. */
record ConversationView(String conversationId, List<Turn> turns) {

    static ConversationView of(Conversation conversation) {
        return new ConversationView(conversation.conversationId(), conversation.turns());
    }
}
