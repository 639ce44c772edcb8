package dev.agentmesh.manager.flow;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.AgentTaskRequested;
import dev.agentmesh.events.TaskPlanned;
import dev.agentmesh.events.Topics;
import dev.agentmesh.manager.registry.AgentDirectory;
import dev.agentmesh.testing.EventProbe;
import dev.agentmesh.testing.EventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A planning model that takes 3.9 s for one task must not hold up the others: through the real broker, tasks on
 * the same partition (so the same stream thread) as the slow one get their results while it is still being planned,
 * and the slow one is still planned by the model within its deadline.
 */
class SlowPlanningIT {

    private static final int PARTITIONS = 6;
    private static final Duration MODEL_DELAY = Duration.ofMillis(3_900);

    private static final WireMockServer model = new WireMockServer(options().dynamicPort());
    private static ScriptedAgent weather;
    private static ManagerInstance manager;
    private static EventProbe results;
    private static EventProbe conversation;
    private static EventPublisher publisher;

    @BeforeAll
    static void startManagerWithASlowModel() {
        model.start();
        model.stubFor(post("/v1/chat/completions").willReturn(planResponse().withFixedDelay(50)));
        model.stubFor(post("/v1/chat/completions").withRequestBody(containing("think slowly"))
                .willReturn(planResponse().withFixedDelay((int) MODEL_DELAY.toMillis())));
        weather = ScriptedAgent.withShippedCard("weather", Duration.ofMillis(100), request -> "Sunny, 21 °C");
        manager = ManagerInstance.start("slow-planning-manager", "manager.llm.base-url=" + model.baseUrl() + "/v1",
                "manager.llm.timeout=4s", "mesh.kafka.partitions=" + PARTITIONS);
        manager.awaitRunning();
        await().atMost(ManagerInstance.LEARNING_CARDS).until(() -> manager.bean(AgentDirectory.class).live().stream()
                .anyMatch(agent -> agent.name().equals("weather")));
        results = EventProbe.on(Topics.AGENT_RESULTS);
        conversation = EventProbe.on(Topics.CONVERSATION_EVENTS);
        publisher = new EventPublisher();
        // the first task pays for connections and the local planner's training; the timings below are about the rest
        String warmUp = UUID.randomUUID().toString();
        ask(warmUp, "Weather in Bern?");
        results.awaitEvent(AgentTaskCompleted.class, r -> r.taskId().equals(warmUp), Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopEverything() {
        results.close();
        conversation.close();
        publisher.close();
        manager.close();
        weather.close();
        model.stop();
    }

    @Test
    void otherTasksCompleteOnTimeWhileTheModelTakesItsTimeOverOne() {
        String slow = UUID.randomUUID().toString();
        Instant slowAsked = Instant.now();
        ask(slow, "Please think slowly: weather in Rome?");

        List<String> others = new ArrayList<>();
        while (others.size() < 3) {
            String candidate = UUID.randomUUID().toString();
            if (partitionOf(candidate) == partitionOf(slow)) {
                others.add(candidate);
            }
        }
        for (String other : others) {
            Instant asked = Instant.now();
            ask(other, "Weather in Oslo?");
            AgentTaskCompleted result = results.awaitEvent(AgentTaskCompleted.class, r -> r.taskId().equals(other),
                    Duration.ofSeconds(3));
            assertThat(Duration.between(asked, Instant.now())).as("a task planned while another waits for the model")
                    .isLessThan(Duration.ofMillis(2_500));
            assertThat(result.partial()).isFalse();
        }
        assertThat(results.records()).as("the slow task is still being planned").noneMatch(r -> r.key().equals(slow));

        AgentTaskCompleted slowResult = results.awaitEvent(AgentTaskCompleted.class, r -> r.taskId().equals(slow),
                Duration.ofSeconds(10));
        assertThat(Duration.between(slowAsked, Instant.now())).isGreaterThanOrEqualTo(MODEL_DELAY);
        assertThat(slowResult.outcomes()).extracting(AgentOutcome::status).containsExactly(AgentOutcome.Status.ANSWERED);
        TaskPlanned plan = conversation.awaitEvent(TaskPlanned.class, p -> p.taskId().equals(slow),
                Duration.ofSeconds(5));
        assertThat(plan.planner()).isEqualTo("llm");
        assertThat(manager.bean(MeterRegistry.class).get("manager.planning.duration").tag("planner", "llm").timer()
                .max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(MODEL_DELAY.toMillis());
    }

    @Test
    void aModelSlowerThanTheTasksShareOfTimeIsReplacedByTheLocalPlanner() {
        String taskId = UUID.randomUUID().toString();
        Instant asked = Instant.now();
        // a 3 s deadline leaves the model 1.5 s (model-share 50 %), less than the 3.9 s it takes
        publisher.publish(Topics.AGENT_TASKS, taskId, AgentTaskRequested.of(taskId, "conversation-slow",
                "Please think slowly: what's the weather in Lisbon?", List.of(), asked.plusSeconds(3), "gateway-it"));

        AgentTaskCompleted result = results.awaitEvent(AgentTaskCompleted.class, r -> r.taskId().equals(taskId),
                Duration.ofSeconds(10));
        TaskPlanned plan = conversation.awaitEvent(TaskPlanned.class, p -> p.taskId().equals(taskId),
                Duration.ofSeconds(5));

        assertThat(plan.planner()).isEqualTo("local");
        assertThat(plan.rationale()).contains("took longer than");
        assertThat(result.outcomes()).extracting(AgentOutcome::agent).contains("weather");
        assertThat(Duration.between(asked, Instant.now())).isLessThan(Duration.ofMillis(2_900));
        // the local planner's own time, without the 1.5 s the model was waited for
        MeterRegistry meters = manager.bean(MeterRegistry.class);
        double planned = meters.get("manager.planning.duration").tag("outcome", "fallback").timer()
                .max(TimeUnit.MILLISECONDS);
        io.micrometer.core.instrument.Timer local = meters.get("manager.planning.local.duration").timer();
        assertThat(local.count()).isPositive();
        assertThat(local.max(TimeUnit.MILLISECONDS)).isLessThan(planned - 1_000);
    }

    private static void ask(String taskId, String request) {
        publisher.publish(Topics.AGENT_TASKS, taskId, AgentTaskRequested.of(taskId, "conversation-slow", request,
                List.of(), Instant.now().plusSeconds(8), "gateway-it"));
    }

    /** The partition the default partitioner picks for a task id, as for every task-keyed topic. */
    private static int partitionOf(String taskId) {
        return Utils.toPositive(Utils.murmur2(taskId.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder planResponse() {
        return aResponse().withHeader("Content-Type", "application/json").withBody("""
                {"id": "chatcmpl-1", "object": "chat.completion", "created": 1764000000, "model": "test-model",
                 "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {"role": "assistant",
                   "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {
                     "name": "plan_agents",
                     "arguments": "{\\"stages\\": [[\\"weather\\"]], \\"rationale\\": \\"weather question\\"}"}}]}}]}
                """);
    }
}
