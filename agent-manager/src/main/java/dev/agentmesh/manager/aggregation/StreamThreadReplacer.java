package dev.agentmesh.manager.aggregation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A stream thread that died of an error nothing else handled is replaced, so one failure does not stop the
 * aggregation for the partitions that thread held. A failure that keeps coming back (the same input kills every
 * replacement) would replace threads forever while looking alive, so after {@code maxReplacements} within
 * {@code window} the client shuts down instead: the stream goes to ERROR, the manager's liveness probe fails and the
 * orchestrator restarts it (and shows the restarts).
 */
final class StreamThreadReplacer implements StreamsUncaughtExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(StreamThreadReplacer.class);

    private final int maxReplacements;
    private final Duration window;
    private final Clock clock;
    private final Counter replaced;
    private final Deque<Instant> recent = new ArrayDeque<>();

    StreamThreadReplacer(int maxReplacements, Duration window, Clock clock, MeterRegistry meters) {
        this.maxReplacements = maxReplacements;
        this.window = window;
        this.clock = clock;
        this.replaced = Counter.builder("manager.stream.threads.replaced")
                .description("Aggregation stream threads that died of an unhandled error and were replaced")
                .register(meters);
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable exception) {
        Instant now = clock.instant();
        while (!recent.isEmpty() && recent.peekFirst().isBefore(now.minus(window))) {
            recent.removeFirst();
        }
        if (recent.size() >= maxReplacements) {
            log.error("A stream thread died again ({} replaced within {}); shutting the stream down so liveness "
                    + "fails", recent.size(), window, exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        recent.addLast(now);
        replaced.increment();
        log.error("A stream thread died; replacing it ({} of {} within {})", recent.size(), maxReplacements, window,
                exception);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
}
