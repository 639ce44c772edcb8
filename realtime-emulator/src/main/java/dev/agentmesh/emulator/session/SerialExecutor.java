package dev.agentmesh.emulator.session;

import java.time.Duration;

/**
 * Runs a session's work one task at a time, in submission order. Client events and the steps of a
 * streaming response share it, so a client event can land between two deltas just as on the real API.
 */
public interface SerialExecutor {

    void execute(Runnable task);

    void schedule(Runnable task, Duration delay);
}
