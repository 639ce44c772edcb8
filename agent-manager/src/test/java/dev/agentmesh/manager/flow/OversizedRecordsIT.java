package dev.agentmesh.manager.flow;

import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.AgentTaskRequested;
import dev.agentmesh.events.CappedText;
import dev.agentmesh.events.PriorAnswer;
import dev.agentmesh.events.Topics;
import dev.agentmesh.manager.registry.AgentDirectory;
import dev.agentmesh.manager.registry.LiveAgent;
import dev.agentmesh.testing.EventProbe;
import dev.agentmesh.testing.EventPublisher;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Answers and requests near or past Kafka's 1 MiB record limit, through a real broker: the manager caps what it
 * passes on, dead-letters what the broker still refuses, and serves the next task.
 */
class OversizedRecordsIT {

    private static final String TWO_MEGABYTES = "w".repeat(2 * 1024 * 1024);
    private static final AtomicBoolean weatherAnswersHuge = new AtomicBoolean();
    private static final AtomicBoolean newsAnswersLong = new AtomicBoolean();

    private static ScriptedAgent weather;
    private static ScriptedAgent news;
    private static ScriptedAgent chat;
    private static ManagerInstance manager;
    private static EventProbe results;
    private static EventPublisher publisher;

    @BeforeAll
    static void startManagerAndAgents() {
        // weather's SDK cap is raised to its maximum, so the manager's own cap is what cuts its answer
        weather = ScriptedAgent.withShippedCard("weather", Duration.ofMillis(50),
                request -> weatherAnswersHuge.get() ? TWO_MEGABYTES : "Rome, Italy: thunderstorm, 14 °C.",
                "agent.max-answer-size=256KB");
        news = ScriptedAgent.withShippedCard("news", Duration.ofMillis(50),
                request -> newsAnswersLong.get() ? "n".repeat(12 * 1024) : "1. Storm Elena hits Rome — Wire");
        chat = ScriptedAgent.withShippedCard("chat", Duration.ofMillis(50), request -> "Related: "
                + request.priorAnswers().stream().map(PriorAnswer::agent).sorted().toList());
        manager = ManagerInstance.start("oversized-manager");
        manager.awaitRunning();
        await().atMost(ManagerInstance.LEARNING_CARDS).until(() -> manager.bean(AgentDirectory.class).live().stream()
                .map(LiveAgent::name).toList().containsAll(List.of("chat", "news", "weather")));
        results = EventProbe.on(Topics.AGENT_RESULTS);
        publisher = new EventPublisher();
    }

    @AfterAll
    static void stopEverything() {
        results.close();
        publisher.close();
        manager.close();
        Stream.of(weather, news, chat).forEach(ScriptedAgent::close);
    }

    @Test
    void aTwoMegabyteAnswerReachesTheResultTruncatedAndTheNextTaskIsWhole() {
        weatherAnswersHuge.set(true);
        String huge = ask("What's the weather in Rome?", Duration.ofSeconds(8));
        AgentTaskCompleted cut = results.awaitEvent(AgentTaskCompleted.class, r -> r.taskId().equals(huge),
                Duration.ofSeconds(20));
        weatherAnswersHuge.set(false);
        String next = ask("What's the weather in Rome?", Duration.ofSeconds(8));
        AgentTaskCompleted whole = results.awaitEvent(AgentTaskCompleted.class, r -> r.taskId().equals(next),
                Duration.ofSeconds(20));

        AgentOutcome weatherOutcome = cut.outcomes().stream().filter(o -> o.agent().equals("weather")).findFirst()
                .orElseThrow();
        assertThat(weatherOutcome.status()).isEqualTo(AgentOutcome.Status.ANSWERED);
        assertThat(weatherOutcome.wasTruncated()).isTrue();
        assertThat(CappedText.utf8Length(weatherOutcome.answer())).isLessThanOrEqualTo(16 * 1024);
        assertThat(weatherOutcome.answer()).startsWith("wwww").contains("… [truncated: ");
        assertThat(whole.outcomes()).extracting(AgentOutcome::agent, AgentOutcome::answer)
                .contains(tuple("weather", "Rome, Italy: thunderstorm, 14 °C."));
        assertThat(whole.outcomes()).noneMatch(AgentOutcome::wasTruncated);
    }

    @Test
    void deadLettersASubtaskTooLargeForTheBrokerAndStillAnswersThisTaskAndTheNext() {
        // The request alone nearly fills a record; with the stage-1 answers added, chat's subtask cannot be sent
        // and the task's state no longer fits the changelog.
        String request = "Are today's news and weather related?" + " ".repeat(1_040_000);
        newsAnswersLong.set(true);
        try (EventProbe deadLetters = EventProbe.on(Topics.deadLetterFor(Topics.requestsFor("chat")))) {
            String oversized = ask(request, Duration.ofSeconds(4));
            AgentTaskCompleted partial = results.awaitEvent(AgentTaskCompleted.class,
                    r -> r.taskId().equals(oversized), Duration.ofSeconds(20));
            newsAnswersLong.set(false);
            String next = ask("Are today's news and weather related?", Duration.ofSeconds(8));
            AgentTaskCompleted complete = results.awaitEvent(AgentTaskCompleted.class, r -> r.taskId().equals(next),
                    Duration.ofSeconds(20));

            assertThat(partial.outcomes()).extracting(AgentOutcome::agent, AgentOutcome::status)
                    .containsExactlyInAnyOrder(tuple("weather", AgentOutcome.Status.ANSWERED),
                            tuple("news", AgentOutcome.Status.ANSWERED), tuple("chat", AgentOutcome.Status.TIMED_OUT));
            await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters.records().stream()
                    .anyMatch(record -> oversized.equals(record.key())));
            ConsumerRecord<String, byte[]> dead = deadLetters.records().stream()
                    .filter(record -> oversized.equals(record.key())).findFirst().orElseThrow();
            assertThat(header(dead, "dlt-original-topic")).isEqualTo("chat-requests");
            assertThat(Integer.parseInt(header(dead, "dlt-original-size"))).isGreaterThan(1024 * 1024);
            assertThat(header(dead, "dlt-exception-class"))
                    .isEqualTo("org.apache.kafka.common.errors.RecordTooLargeException");
            assertThat(complete.partial()).isFalse();
            assertThat(manager.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static String ask(String request, Duration deadline) {
        String taskId = UUID.randomUUID().toString();
        publisher.publish(Topics.AGENT_TASKS, taskId, AgentTaskRequested.of(taskId, "conversation-oversized",
                request, List.of(), Instant.now().plus(deadline), "gateway-it"));
        return taskId;
    }
}
