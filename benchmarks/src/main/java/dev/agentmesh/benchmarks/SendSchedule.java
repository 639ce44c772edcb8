package dev.agentmesh.benchmarks;

/**
 * When each session's next append is due, in real time: session {@code i} of {@code n} sends at
 * {@code start + i·period/n + k·period} for k = 0, 1, 2, … Every send of every session forms one sequence in due
 * order, so a single timer serves all sessions. The schedule never moves: a send made after its due time is late by
 * the difference, and a generator that fell behind catches up in a burst and reports how late it was, rather than
 * quietly stretching the period (which would offer the gateway less load than the table claims).
 */
final class SendSchedule {

    private final int sessions;
    private final long periodNanos;
    private final long startNanos;
    private long next;

    SendSchedule(int sessions, long periodNanos, long startNanos) {
        if (sessions < 1 || periodNanos < 1) {
            throw new IllegalArgumentException("a schedule needs a session and a period: " + sessions + ", "
                    + periodNanos);
        }
        this.sessions = sessions;
        this.periodNanos = periodNanos;
        this.startNanos = startNanos;
    }

    /** The due time (System.nanoTime() scale) of the next send. */
    long nextDue() {
        long round = next / sessions;
        int slot = (int) (next % sessions);
        return startNanos + round * periodNanos + slot * periodNanos / sessions;
    }

    /** The session whose send is next. */
    int nextSession() {
        return (int) (next % sessions);
    }

    /** Marks the next send as made (whether written or skipped) and returns how late it was at {@code nowNanos}. */
    long take(long nowNanos) {
        long late = nowNanos - nextDue();
        next++;
        return late;
    }

    /** Sends taken so far, over all sessions. */
    long taken() {
        return next;
    }
}
