package dev.agentmesh.manager.flow;

import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.AgentTaskRequested;
import dev.agentmesh.events.PriorAnswer;
import dev.agentmesh.events.TaskPlanned;
import dev.agentmesh.events.Topics;
import dev.agentmesh.manager.registry.AgentDirectory;
import dev.agentmesh.manager.registry.LiveAgent;
import dev.agentmesh.testing.EventProbe;
import dev.agentmesh.testing.EventPublisher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The manager with its real local planner, on a real broker, with three agent services that run the SDK and
 * answer after a simulated delay: tasks in, one result out each.
 */
class ManagerFlowIT {

    private static final Duration WORK = Duration.ofMillis(400);

    private static ScriptedAgent weather;
    private static ScriptedAgent news;
    private static ScriptedAgent chat;
    private static ManagerInstance manager;
    private static EventProbe results;
    private static EventProbe conversation;
    private static EventPublisher publisher;

    @BeforeAll
    static void startManagerAndAgents() {
        weather = ScriptedAgent.start("weather", "Current weather conditions and today's forecast for a place: "
                + "temperature, rain, snow, wind.", WORK, request -> "Rome, Italy: thunderstorm, 14 °C.");
        news = ScriptedAgent.start("news", "Latest news headlines from RSS and Atom feeds, on a topic, place or "
                + "keyword, with sources.", WORK, request -> "1. Storm Elena hits Rome — Wire (https://w/1)");
        chat = ScriptedAgent.start("chat", "Conversation, general knowledge and writing help; relates, explains "
                + "and synthesises other agents' answers.", WORK, request -> "Related: " + request.priorAnswers()
                .stream().map(PriorAnswer::agent).sorted().toList());
        manager = ManagerInstance.start("flow-manager");
        manager.awaitRunning();
        await().atMost(Duration.ofSeconds(30)).until(() -> manager.bean(AgentDirectory.class).live().stream()
                .map(LiveAgent::name).toList().containsAll(List.of("chat", "news", "weather")));
        results = EventProbe.on(Topics.AGENT_RESULTS);
        conversation = EventProbe.on(Topics.CONVERSATION_EVENTS);
        publisher = new EventPublisher();
    }

    @AfterAll
    static void stopEverything() {
        Stream.of(results, conversation).forEach(EventProbe::close);
        publisher.close();
        manager.close();
        Stream.of(weather, news, chat).forEach(ScriptedAgent::close);
    }

    @Test
    void asksWeatherAndNewsInParallelThenChatWithTheirAnswers() {
        String taskId = ask("Are today's news and weather related?", Duration.ofSeconds(8));

        AgentTaskCompleted result = results.awaitEvent(AgentTaskCompleted.class, r -> r.taskId().equals(taskId),
                Duration.ofSeconds(20));

        assertThat(result.partial()).isFalse();
        assertThat(result.replyTo()).isEqualTo("gateway-it");
        assertThat(result.outcomes()).extracting(AgentOutcome::agent, AgentOutcome::stage).containsExactlyInAnyOrder(
                tuple("weather", 1), tuple("news", 1), tuple("chat", 2));
        assertThat(result.outcomes().getLast().answer()).isEqualTo("Related: [news, weather]");
        Instant weatherStarted = weather.receivedAt.getLast();
        Instant newsStarted = news.receivedAt.getLast();
        assertThat(Duration.between(weatherStarted, newsStarted).abs()).as("stage 1 runs in parallel")
                .isLessThan(WORK);
        assertThat(chat.receivedAt.getLast()).isAfterOrEqualTo(weatherStarted.plus(WORK));
        assertThat(result.durationMs()).isLessThan(3 * WORK.toMillis());
        TaskPlanned plan = conversation.awaitEvent(TaskPlanned.class, p -> p.taskId().equals(taskId),
                Duration.ofSeconds(5));
        assertThat(plan.planner()).isEqualTo("local");
    }

    @Test
    void publishesAPartialResultNamingAnAgentThatNeverAnswers() {
        ScriptedAgent stocks = ScriptedAgent.start("stocks", "Share prices and market indices for a company or "
                + "ticker symbol.", WORK, request -> "AAPL 230");
        await().atMost(Duration.ofSeconds(30)).until(() -> manager.bean(AgentDirectory.class).live().stream()
                .anyMatch(agent -> agent.name().equals("stocks")));
        stocks.close();

        String taskId = ask("How is Apple stock doing, and what's the weather in Rome?", Duration.ofSeconds(2));
        AgentTaskCompleted result = results.awaitEvent(AgentTaskCompleted.class, r -> r.taskId().equals(taskId),
                Duration.ofSeconds(20));

        assertThat(result.partial()).isTrue();
        assertThat(result.outcomes()).extracting(AgentOutcome::agent, AgentOutcome::status).containsExactlyInAnyOrder(
                tuple("weather", AgentOutcome.Status.ANSWERED), tuple("stocks", AgentOutcome.Status.TIMED_OUT));
        assertThat(result.durationMs()).isBetween(1_900L, 3_000L);
    }

    @Test
    void deadLettersAPoisonTaskAndServesTheNextOne() {
        String poisonKey = "poison-" + UUID.randomUUID();
        try (EventProbe deadLetters = EventProbe.on(Topics.deadLetterFor(Topics.AGENT_TASKS))) {
            publisher.publishRaw(Topics.AGENT_TASKS, poisonKey, "{\"type\":\"agent-task-requested\"}"
                    .getBytes(StandardCharsets.UTF_8));
            String next = ask("What's the weather in Rome?", Duration.ofSeconds(8));

            results.awaitEvent(AgentTaskCompleted.class, r -> r.taskId().equals(next), Duration.ofSeconds(20));
            await().atMost(Duration.ofSeconds(20)).until(() -> deadLetters.records().stream()
                    .anyMatch(record -> poisonKey.equals(record.key())));
        }
    }

    private static String ask(String request, Duration deadline) {
        String taskId = UUID.randomUUID().toString();
        publisher.publish(Topics.AGENT_TASKS, taskId, AgentTaskRequested.of(taskId, "conversation-it", request,
                List.of(), Instant.now().plus(deadline), "gateway-it"));
        return taskId;
    }
}
