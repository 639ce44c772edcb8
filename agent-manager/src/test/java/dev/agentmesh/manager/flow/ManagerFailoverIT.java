package dev.agentmesh.manager.flow;

import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.AgentTaskRequested;
import dev.agentmesh.events.Topics;
import dev.agentmesh.manager.planning.Plan;
import dev.agentmesh.manager.planning.Planner;
import dev.agentmesh.testing.EventProbe;
import dev.agentmesh.testing.EventPublisher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two manager instances share the aggregation; the one holding a task is stopped while an agent still works on
 * it. The other restores the task from the changelog and publishes the one result.
 */
class ManagerFailoverIT {

    private static ScriptedAgent fast;
    private static ScriptedAgent slow;
    private static ManagerInstance first;
    private static ManagerInstance second;

    @TestConfiguration
    static class BothAgentsPlanner {
        @Bean
        @Primary
        Planner bothAgents() {
            return (request, context, agents) -> new Plan(List.of(List.of("failover-fast", "failover-slow")), "test",
                    "both agents, in parallel");
        }
    }

    @BeforeAll
    static void startTwoManagersAndTwoAgents() {
        fast = ScriptedAgent.start("failover-fast", "Answers at once", Duration.ofMillis(50), r -> "fast answer");
        slow = ScriptedAgent.start("failover-slow", "Answers after a while", Duration.ofSeconds(4),
                r -> "slow answer");
        first = ManagerInstance.start("failover-manager", "spring.main.sources=" + BothAgentsPlanner.class.getName());
        second = ManagerInstance.start("failover-manager", "spring.main.sources=" + BothAgentsPlanner.class.getName());
        first.awaitRunning();
        second.awaitRunning();
    }

    @AfterAll
    static void stopEverything() {
        Stream.of(first, second).forEach(ManagerInstance::close);
        Stream.of(fast, slow).forEach(ScriptedAgent::close);
    }

    @Test
    void publishesExactlyOneResultWhenTheInstanceHoldingTheTaskStops() {
        String taskId = UUID.randomUUID().toString();
        try (EventProbe results = EventProbe.on(Topics.AGENT_RESULTS); EventPublisher publisher = new EventPublisher()) {
            publisher.publish(Topics.AGENT_TASKS, taskId, AgentTaskRequested.of(taskId, "conversation-failover",
                    "anything", List.of(), Instant.now().plusSeconds(15), "gateway-test"));

            await().atMost(Duration.ofSeconds(20)).until(() -> !slow.received.isEmpty()
                    && (first.holds(taskId) || second.holds(taskId)));
            ManagerInstance holder = first.holds(taskId) ? first : second;
            ManagerInstance survivor = holder == first ? second : first;
            holder.close();

            AgentTaskCompleted result = results.awaitEvent(AgentTaskCompleted.class,
                    r -> r.taskId().equals(taskId), Duration.ofSeconds(40));
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);

            assertThat(results.events(AgentTaskCompleted.class)).filteredOn(r -> r.taskId().equals(taskId))
                    .hasSize(1);
            assertThat(result.outcomes()).extracting(AgentOutcome::status)
                    .containsOnly(AgentOutcome.Status.ANSWERED);
            assertThat(survivor.holds(taskId)).isTrue();
        }
    }
}
