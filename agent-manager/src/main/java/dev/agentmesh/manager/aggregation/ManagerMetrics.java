package dev.agentmesh.manager.aggregation;

import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.manager.planning.Plan;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.stream.Collectors;

/**
 * What an operator watches on the manager: tasks by result (complete, partial, cancelled) and their duration,
 * plans by planner and agent set, and per-agent outcomes, where {@code timed_out} counts deadline misses.
 */
@Component
class ManagerMetrics {

    private final MeterRegistry registry;

    ManagerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void planned(Plan plan) {
        String agents = plan.stages().stream().map(stage -> String.join("+", stage))
                .collect(Collectors.joining(" > "));
        Counter.builder("manager.plans").description("Plans made, by planner and staged agent set")
                .tag("planner", plan.planner()).tag("agents", agents.isEmpty() ? "none" : agents)
                .register(registry).increment();
    }

    void outcome(AgentOutcome outcome) {
        Counter.builder("manager.agent.outcomes").description("Agent outcomes seen by the manager")
                .tag("agent", outcome.agent()).tag("status", outcome.status().name().toLowerCase())
                .register(registry).increment();
    }

    void completed(AgentTaskCompleted result, Duration took) {
        String kind = result.partial() ? "partial" : "complete";
        Counter.builder("manager.tasks").description("Tasks finished, by result")
                .tag("result", kind).register(registry).increment();
        Timer.builder("manager.task.duration").description("From task request to published result")
                .tag("result", kind).publishPercentileHistogram().register(registry).record(took);
    }

    void cancelled() {
        Counter.builder("manager.tasks").description("Tasks finished, by result")
                .tag("result", "cancelled").register(registry).increment();
    }
}
