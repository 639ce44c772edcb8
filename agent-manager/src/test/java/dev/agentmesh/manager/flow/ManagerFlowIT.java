package dev.agentmesh.manager.flow;

import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.AgentSkill;
import dev.agentmesh.events.ContextEntry;
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

    private static final Duration WORK = Duration.ofMillis(600);

    private static ScriptedAgent weather;
    private static ScriptedAgent news;
    private static ScriptedAgent chat;
    private static ManagerInstance manager;
    private static EventProbe results;
    private static EventProbe conversation;
    private static EventPublisher publisher;

    @BeforeAll
    static void startManagerAndAgents() {
        weather = ScriptedAgent.withShippedCard("weather", WORK, request -> "Rome, Italy: thunderstorm, 14 °C.");
        news = ScriptedAgent.withShippedCard("news", WORK, request -> "1. Storm Elena hits Rome — Wire (https://w/1)");
        chat = ScriptedAgent.withShippedCard("chat", WORK, request -> "Related: " + request.priorAnswers()
                .stream().map(PriorAnswer::agent).sorted().toList());
        manager = ManagerInstance.start("flow-manager");
        manager.awaitRunning();
        await().atMost(ManagerInstance.LEARNING_CARDS).until(() -> manager.bean(AgentDirectory.class).live().stream()
                .map(LiveAgent::name).toList().containsAll(List.of("chat", "news", "weather")));
        results = EventProbe.on(Topics.AGENT_RESULTS);
        conversation = EventProbe.on(Topics.CONVERSATION_EVENTS);
        publisher = new EventPublisher();
        // the first task may wait for the local planner to learn the cards; the timings below are about the rest
        String warmUp = ask("What's the weather in Bern?", Duration.ofSeconds(20));
        results.awaitEvent(AgentTaskCompleted.class, r -> r.taskId().equals(warmUp), Duration.ofSeconds(30));
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
                + "ticker symbol.", List.of(skill("quotes", "Share prices and indices", "How are Tesla shares doing?",
                "What's the Microsoft share price?", "Is Amazon stock up today?", "Where is the S&P 500 at?",
                "Price of NVDA right now")), WORK, request -> "AAPL 230");
        await().atMost(ManagerInstance.LEARNING_CARDS).until(() -> manager.bean(AgentDirectory.class).live().stream()
                .anyMatch(agent -> agent.name().equals("stocks")));
        stocks.close();

        String taskId = ask("How is Apple stock doing, and what's the weather in Rome?", Duration.ofSeconds(2));
        AgentTaskCompleted result = results.awaitEvent(AgentTaskCompleted.class, r -> r.taskId().equals(taskId),
                Duration.ofSeconds(20));

        assertThat(result.partial()).isTrue();
        // news may be asked too ("Apple stock" is also a business story); what matters here is the silent agent
        assertThat(result.outcomes()).extracting(AgentOutcome::agent, AgentOutcome::status).contains(
                tuple("weather", AgentOutcome.Status.ANSWERED), tuple("stocks", AgentOutcome.Status.TIMED_OUT));
        assertThat(result.outcomes()).filteredOn(outcome -> !outcome.agent().equals("stocks"))
                .extracting(AgentOutcome::status).containsOnly(AgentOutcome.Status.ANSWERED);
        assertThat(result.durationMs()).isBetween(1_900L, 3_000L);
    }

    @Test
    void routesAnAgentDefinedOnlyInThisTestFromItsCardWithNoManagerChange() {
        ScriptedAgent currency = ScriptedAgent.start("currency", "Exchange rates and currency conversion.",
                List.of(skill("convert", "Convert currencies", "How many euros is 100 dollars?",
                        "What's the exchange rate between the pound and the yen?", "Convert 40 GBP to EUR",
                        "Is the dollar stronger than the euro today?", "How much is 5000 yen in pounds?",
                        "How many rupees do I get for 200 euros?", "What's the current rate for the Canadian dollar?")),
                WORK, request -> "300 AUD = 183 EUR");
        try (currency) {
            await().atMost(ManagerInstance.LEARNING_CARDS).until(() -> manager.bean(AgentDirectory.class).live().stream()
                    .anyMatch(agent -> agent.name().equals("currency")));

            String alone = ask("What would 300 Australian dollars be in euros?", Duration.ofSeconds(8));
            String withWeather = ask("Change 75 pounds into Swiss francs, and what's the weather in Zurich?",
                    Duration.ofSeconds(8));

            assertThat(results.awaitEvent(AgentTaskCompleted.class, r -> r.taskId().equals(alone),
                    Duration.ofSeconds(20)).outcomes()).extracting(AgentOutcome::agent, AgentOutcome::answer)
                    .containsExactly(tuple("currency", "300 AUD = 183 EUR"));
            assertThat(results.awaitEvent(AgentTaskCompleted.class, r -> r.taskId().equals(withWeather),
                    Duration.ofSeconds(20)).outcomes()).extracting(AgentOutcome::agent)
                    .containsExactlyInAnyOrder("currency", "weather");
        }
    }

    @Test
    void aFollowUpGoesToTheAgentOfThePreviousRequestWithTheConversationAsContext() {
        List<ContextEntry> context = List.of(new ContextEntry("user", "What's the weather in Rome?"),
                new ContextEntry("assistant", "Stormy, 14 degrees."),
                new ContextEntry("agent", "weather: Rome, Italy: thunderstorm, 14 °C."),
                new ContextEntry("user", "And tomorrow?"));
        String taskId = UUID.randomUUID().toString();
        publisher.publish(Topics.AGENT_TASKS, taskId, AgentTaskRequested.of(taskId, "conversation-it", "And tomorrow?",
                context, Instant.now().plusSeconds(8), "gateway-it"));

        AgentTaskCompleted result = results.awaitEvent(AgentTaskCompleted.class, r -> r.taskId().equals(taskId),
                Duration.ofSeconds(20));

        assertThat(result.outcomes()).extracting(AgentOutcome::agent).containsExactly("weather");
        assertThat(weather.received).filteredOn(request -> request.taskId().equals(taskId)).singleElement()
                .satisfies(request -> assertThat(request.context()).isEqualTo(context));
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

    private static AgentSkill skill(String id, String name, String... examples) {
        return new AgentSkill(id, name, name, List.of(), List.of(examples), List.of(AgentSkill.TEXT_MODE),
                List.of(AgentSkill.TEXT_MODE));
    }

    private static String ask(String request, Duration deadline) {
        String taskId = UUID.randomUUID().toString();
        publisher.publish(Topics.AGENT_TASKS, taskId, AgentTaskRequested.of(taskId, "conversation-it", request,
                List.of(), Instant.now().plus(deadline), "gateway-it"));
        return taskId;
    }
}
