package dev.agentmesh.emulator.session;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link SerialExecutor} on one daemon thread per session. */
public final class ScheduledSerialExecutor implements SerialExecutor, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ScheduledSerialExecutor.class);

    private final ScheduledExecutorService executor;

    public ScheduledSerialExecutor(String threadName) {
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void execute(Runnable task) {
        try {
            executor.execute(guarded(task));
        } catch (RejectedExecutionException closed) {
            // the connection is gone; nothing left to do for it
        }
    }

    @Override
    public void schedule(Runnable task, Duration delay) {
        try {
            executor.schedule(guarded(task), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            // the connection is gone; nothing left to do for it
        }
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("Emulated session task failed", e);
            }
        };
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
