package dev.agentmesh.gateway.realtime;

import dev.agentmesh.gateway.access.TokenBucket;

import java.util.function.BooleanSupplier;

/**
 * What one session may spend: events and bytes per second from its client, delegated tasks waiting at once,
 * delegations without a new user turn (so that a model calling the tool again and again, or a client asking for
 * responses without speaking, cannot run up paid work), and its client's share of tasks per minute.
 * Thread-safe: the client's and the upstream's threads both ask.
 */
final class SessionBudgets {

    /** Why a delegation was refused; the client's error event carries the code. */
    record Refusal(String code, String message) {
    }

    private final TokenBucket events;
    private final TokenBucket bytes;
    private final int tasksPerSession;
    private final int delegationsPerTurn;
    private final BooleanSupplier clientTask;
    private int delegationsSinceUserTurn;

    /**
     * @param clientTask takes one of the client's tasks for this minute; false when they are spent
     */
    SessionBudgets(int eventsPerSecond, int eventBurst, long bytesPerSecond, long byteBurst, int tasksPerSession,
                   int delegationsPerTurn, BooleanSupplier clientTask) {
        this.events = new TokenBucket(eventsPerSecond, eventBurst);
        this.bytes = new TokenBucket(bytesPerSecond, Math.max(bytesPerSecond, byteBurst));
        this.tasksPerSession = tasksPerSession;
        this.delegationsPerTurn = delegationsPerTurn;
        this.clientTask = clientTask;
    }

    synchronized boolean admitEvent() {
        return events.tryAcquire();
    }

    synchronized boolean admitBytes(long wireBytes) {
        return bytes.tryAcquire(wireBytes);
    }

    /** The user spoke or wrote: the model may delegate again. */
    synchronized void userTurn() {
        delegationsSinceUserTurn = 0;
    }

    /** Admits one delegated task, given how many wait already; null when admitted, else why not. */
    synchronized Refusal admitTask(int waiting) {
        if (delegationsSinceUserTurn >= delegationsPerTurn) {
            return new Refusal("delegation_loop_stopped", "The model asked the agents " + delegationsSinceUserTurn
                    + " times without a new user turn; it may ask again after the user speaks or writes.");
        }
        if (waiting >= tasksPerSession) {
            return new Refusal("task_limit_reached", "This session already waits for " + waiting
                    + " delegated tasks, as many as it may.");
        }
        if (!clientTask.getAsBoolean()) {
            return new Refusal("task_rate_exceeded", "This client started as many delegated tasks this minute as "
                    + "it may; try again shortly.");
        }
        delegationsSinceUserTurn++;
        return null;
    }
}
