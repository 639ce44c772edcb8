package dev.agentmesh.sdk.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import io.micrometer.core.instrument.Gauge;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Per-agent meters: {@code agent.subtasks} counts outcomes (answered, failed, timed_out, expired) and
 * {@code agent.subtask.duration} times them; {@code agent.subtasks.in.flight} is how many subtasks the instance has
 * taken and not finished (running or waiting for a worker), {@code agent.subtask.queue.wait} how long they waited
 * for a worker, and {@code agent.intake.paused} is 1 while the instance has paused its partitions because it is full.
 */
final class AgentMetrics {

    enum Outcome {
        ANSWERED, FAILED, TIMED_OUT, EXPIRED;

        String tag() {
            return name().toLowerCase();
        }
    }

    private final MeterRegistry registry;
    private final String agent;
    private final Timer queueWait;

    AgentMetrics(MeterRegistry registry, String agent) {
        this.registry = registry;
        this.agent = agent;
        this.queueWait = Timer.builder("agent.subtask.queue.wait")
                .description("Time a subtask waited for a worker after it was taken from Kafka")
                .tag("agent", agent)
                .publishPercentileHistogram()
                .register(registry);
    }

    /** Registers the gauges of the instance's intake; the suppliers are read at every scrape. */
    void intake(IntSupplier inFlight, BooleanSupplier paused) {
        Gauge.builder("agent.subtasks.in.flight", inFlight::getAsInt)
                .description("Subtasks taken from Kafka and not finished: running or waiting for a worker")
                .tag("agent", agent)
                .register(registry);
        Gauge.builder("agent.intake.paused", () -> paused.getAsBoolean() ? 1 : 0)
                .description("1 while the instance has paused its partitions because agent.max-in-flight is reached")
                .tag("agent", agent)
                .register(registry);
    }

    void queueWait(Duration waited) {
        queueWait.record(waited);
    }

    void record(Outcome outcome, Duration duration) {
        Counter.builder("agent.subtasks")
                .description("Subtasks an agent handled, by outcome")
                .tag("agent", agent)
                .tag("outcome", outcome.tag())
                .register(registry)
                .increment();
        Timer.builder("agent.subtask.duration")
                .description("Time an agent spent on a subtask")
                .tag("agent", agent)
                .tag("outcome", outcome.tag())
                .publishPercentileHistogram()
                .register(registry)
                .record(duration);
    }
}
