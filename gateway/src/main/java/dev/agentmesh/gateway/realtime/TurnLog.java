package dev.agentmesh.gateway.realtime;

import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.ContextEntry;
import dev.agentmesh.events.TurnRecorded;

import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The session's turns: user and assistant turns, delegated requests and agent results go to the audit log
 * ({@code conversation-events}), and the recent ones travel with the next task as its context. Thread-safe.
 */
final class TurnLog {

    private final String conversationId;
    private final String user;
    private final ConversationMemory memory;
    private final HistorySeed seed;
    private final Consumer<TurnRecorded> audit;

    /**
     * @param user whose memory the turns belong to (null: nobody's; the memory store keeps only a user's turns)
     */
    TurnLog(String conversationId, String user, int contextTurns, HistorySeed seed, Consumer<TurnRecorded> audit) {
        this.conversationId = conversationId;
        this.user = user;
        this.memory = new ConversationMemory(contextTurns);
        this.seed = seed;
        this.audit = audit;
    }

    /** Turns of an earlier session of this conversation: context and seed, not recorded again. */
    synchronized void restore(List<ContextEntry> earlier) {
        for (ContextEntry turn : earlier) {
            if ("user".equals(turn.role()) || "assistant".equals(turn.role())) {
                memory.turn(turn.role(), turn.text());
                seed.add(turn.role(), turn.text());
            }
        }
    }

    void user(String text) {
        turn("user", text);
    }

    void assistant(String text) {
        turn("assistant", text);
    }

    void delegated(String taskId, String request) {
        audit.accept(TurnRecorded.of(taskId, conversationId, "tool-call", request, user));
    }

    void result(String taskId, String output, AgentTaskCompleted result) {
        synchronized (this) {
            memory.agentResult(summary(result));
        }
        audit.accept(TurnRecorded.of(taskId, conversationId, "tool-result", output, user));
    }

    synchronized List<ContextEntry> context() {
        return memory.context();
    }

    private void turn(String role, String text) {
        if (text == null || text.isBlank()) {
            return;
        }
        synchronized (this) {
            memory.turn(role, text);
            seed.add(role, text);
        }
        audit.accept(TurnRecorded.of(UUID.randomUUID().toString(), conversationId, role, text, user));
    }

    private static String summary(AgentTaskCompleted result) {
        StringBuilder summary = new StringBuilder();
        for (AgentOutcome outcome : result.outcomes()) {
            if (outcome.answer() != null) {
                summary.append(outcome.agent()).append(": ").append(outcome.answer()).append('\n');
            }
        }
        return summary.toString().strip();
    }
}
