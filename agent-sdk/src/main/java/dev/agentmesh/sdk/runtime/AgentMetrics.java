package dev.agentmesh.sdk.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/**
 * Per-agent meters: {@code agent.subtasks} counts outcomes (answered, failed, timed_out, expired) and
 * {@code agent.subtask.duration} times them.
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

    AgentMetrics(MeterRegistry registry, String agent) {
        this.registry = registry;
        this.agent = agent;
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
