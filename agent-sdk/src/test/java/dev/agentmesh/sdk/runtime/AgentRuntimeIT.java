package dev.agentmesh.sdk.runtime;

import dev.agentmesh.events.AgentRegistered;
import dev.agentmesh.events.SubtaskCompleted;
import dev.agentmesh.events.SubtaskFailed;
import dev.agentmesh.events.SubtaskRequested;
import dev.agentmesh.events.Topics;
import dev.agentmesh.sdk.Agent;
import dev.agentmesh.sdk.AgentException;
import dev.agentmesh.sdk.AgentRequest;
import dev.agentmesh.testing.EventProbe;
import dev.agentmesh.testing.EventPublisher;
import dev.agentmesh.testing.KafkaIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.test.utils.ContainerTestUtils;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The SDK runs an agent bean against a real broker: replies, failures, deadlines, dead letters, heartbeats. */
@KafkaIntegrationTest
class AgentRuntimeIT {

    static final String AGENT = "echo";

    @SpringBootApplication
    static class EchoAgentApplication {

        @Bean
        Agent echoAgent() {
            return new Agent() {
                @Override
                public String name() {
                    return AGENT;
                }

                @Override
                public String description() {
                    return "Repeats the request in capitals";
                }

                @Override
                public String handle(AgentRequest request) throws Exception {
                    if (request.text().startsWith("sleep ")) {
                        Thread.sleep(Long.parseLong(request.text().substring("sleep ".length())));
                        return "slept";
                    }
                    return switch (request.text()) {
                        case "fail" -> throw new AgentException("the echo service is unreachable");
                        case "crash" -> throw new IllegalStateException("secret internals");
                        case "huge" -> "é".repeat(1024 * 1024);
                        case "huge failure" -> throw new AgentException("x".repeat(2 * 1024 * 1024));
                        case "slow" -> {
                            Thread.sleep(3_000);
                            yield "too late";
                        }
                        default -> request.text().toUpperCase();
                    };
                }
            };
        }
    }

    static EventProbe replies;
    static EventProbe registry;
    static EventProbe deadLetters;
    static EventPublisher publisher;

    @Autowired
    MeterRegistry meters;

    @BeforeAll
    static void openProbes() {
        replies = EventProbe.on(Topics.AGENT_REPLIES);
        registry = EventProbe.on(Topics.AGENT_REGISTRY);
        deadLetters = EventProbe.on(Topics.deadLetterFor(Topics.requestsFor(AGENT)));
        publisher = new EventPublisher();
    }

    @AfterAll
    static void closeProbes() {
        replies.close();
        registry.close();
        deadLetters.close();
        publisher.close();
    }

    @Autowired
    void waitForAssignment(ConcurrentMessageListenerContainer<String, ?> agentRequestsContainer) {
        ContainerTestUtils.waitForAssignment(agentRequestsContainer, 6);
    }

    @Test
    void repliesWithTheAgentsAnswer() {
        String taskId = publish("hello", Duration.ofSeconds(5));

        SubtaskCompleted reply = replies.awaitEvent(SubtaskCompleted.class, r -> r.taskId().equals(taskId),
                Duration.ofSeconds(20));

        assertThat(reply.agent()).isEqualTo(AGENT);
        assertThat(reply.answer()).isEqualTo("HELLO");
        assertThat(reply.conversationId()).isEqualTo("conversation-" + taskId);
        assertThat(meters.get("agent.subtasks").tag("agent", AGENT).tag("outcome", "answered").counter().count())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void exportsKafkaClientMetricsAndObservesTheTemplateItCreates() {
        String taskId = publish("metrics", Duration.ofSeconds(5));
        replies.awaitEvent(SubtaskCompleted.class, r -> r.taskId().equals(taskId), Duration.ofSeconds(20));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(meters.find("kafka.consumer.fetch.manager.records.lag.max").meters()).isNotEmpty();
            assertThat(meters.find("kafka.producer.record.send.total").meters()).isNotEmpty();
            assertThat(meters.find("spring.kafka.template").tag("messaging.destination.name", Topics.AGENT_REPLIES)
                    .timers()).isNotEmpty();
        });
    }

    @Test
    void repliesWithAReadableFailureWhenTheAgentCannotAnswer() {
        String failing = publish("fail", Duration.ofSeconds(5));
        String crashing = publish("crash", Duration.ofSeconds(5));

        SubtaskFailed failed = replies.awaitEvent(SubtaskFailed.class, r -> r.taskId().equals(failing),
                Duration.ofSeconds(20));
        SubtaskFailed crashed = replies.awaitEvent(SubtaskFailed.class, r -> r.taskId().equals(crashing),
                Duration.ofSeconds(20));

        assertThat(failed.reason()).isEqualTo("the echo service is unreachable");
        assertThat(crashed.reason()).isEqualTo("the echo agent hit an internal error").doesNotContain("secret");
    }

    @Test
    void cutsATwoMegabyteAnswerToTheCapAndMarksItThenAnswersTheNextSubtask() {
        String huge = publish("huge", Duration.ofSeconds(10));
        String hugeFailure = publish("huge failure", Duration.ofSeconds(10));
        String next = publish("next", Duration.ofSeconds(10));

        SubtaskCompleted cut = replies.awaitEvent(SubtaskCompleted.class, r -> r.taskId().equals(huge),
                Duration.ofSeconds(20));
        SubtaskFailed cutFailure = replies.awaitEvent(SubtaskFailed.class, r -> r.taskId().equals(hugeFailure),
                Duration.ofSeconds(20));
        SubtaskCompleted after = replies.awaitEvent(SubtaskCompleted.class, r -> r.taskId().equals(next),
                Duration.ofSeconds(20));

        // 1 Mi 'é' are 2 MiB of UTF-8; the default cap is 16 KB
        assertThat(cut.wasTruncated()).isTrue();
        assertThat(cut.answer().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(16 * 1024);
        assertThat(cut.answer()).startsWith("éééé").endsWith(" of 2097152 bytes]");
        assertThat(cutFailure.reason().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(16 * 1024);
        assertThat(cutFailure.reason()).endsWith(" of 2097152 bytes]");
        assertThat(after.answer()).isEqualTo("NEXT");
        assertThat(after.wasTruncated()).isFalse();
    }

    @Test
    void aSlowSubtaskDoesNotHoldUpAnotherTasksSubtaskBehindItOnTheSamePartition() {
        String slow = UUID.randomUUID().toString();
        String fast = UUID.randomUUID().toString();
        publisher.publish(Topics.requestsFor(AGENT), 0, slow, subtask(slow, "sleep 5000", Duration.ofSeconds(30)));
        publisher.publish(Topics.requestsFor(AGENT), 0, fast, subtask(fast, "quick", Duration.ofSeconds(30)));

        SubtaskCompleted quick = replies.awaitEvent(SubtaskCompleted.class, r -> r.taskId().equals(fast),
                Duration.ofSeconds(20));

        assertThat(quick.answer()).isEqualTo("QUICK");
        assertThat(replies.events(SubtaskCompleted.class)).noneMatch(r -> r.taskId().equals(slow));
        SubtaskCompleted slept = replies.awaitEvent(SubtaskCompleted.class, r -> r.taskId().equals(slow),
                Duration.ofSeconds(30));
        assertThat(slept.durationMs()).isGreaterThanOrEqualTo(5000);
        // The fast reply was stored seconds before the slow one, not right after it.
        assertThat(replyTimestamp(slow) - replyTimestamp(fast)).isGreaterThan(2500);
        assertThat(meters.get("agent.subtask.queue.wait").tag("agent", AGENT).timer().count())
                .isGreaterThanOrEqualTo(2);
        assertThat(meters.get("agent.subtasks.in.flight").tag("agent", AGENT).gauge()).isNotNull();
    }

    @Test
    void sendsNoReplyAfterTheDeadline() {
        String expired = publish("hello", Duration.ofSeconds(-1));
        String slow = publish("slow", Duration.ofMillis(800));
        String after = publish("after", Duration.ofSeconds(5));

        replies.awaitEvent(SubtaskCompleted.class, r -> r.taskId().equals(after), Duration.ofSeconds(20));
        await().atMost(Duration.ofSeconds(10)).until(() -> meters.find("agent.subtasks")
                .tag("outcome", "timed_out").counter() != null);

        assertThat(replies.records()).noneMatch(r -> r.key().equals(expired) || r.key().equals(slow));
        assertThat(meters.get("agent.subtasks").tag("outcome", "expired").counter().count()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void deadLettersAPoisonRecordAndKeepsConsuming() {
        String poisonKey = "poison-" + UUID.randomUUID();
        publisher.publishRaw(Topics.requestsFor(AGENT), poisonKey, "{not json".getBytes(StandardCharsets.UTF_8));
        String next = publish("next", Duration.ofSeconds(5));

        replies.awaitEvent(SubtaskCompleted.class, r -> r.taskId().equals(next), Duration.ofSeconds(20));
        await().atMost(Duration.ofSeconds(20)).until(() -> deadLetters.records().stream()
                .anyMatch(r -> poisonKey.equals(r.key())));

        ConsumerRecord<String, byte[]> dead = deadLetters.records().stream()
                .filter(r -> poisonKey.equals(r.key())).findFirst().orElseThrow();
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
        assertThat(dead.headers().lastHeader("kafka_dlt-exception-message")).isNotNull();
        assertThat(new String(dead.headers().lastHeader("kafka_dlt-original-consumer-group").value(),
                StandardCharsets.UTF_8)).isEqualTo("echo-agent");
    }

    @Test
    void announcesItselfInTheRegistry() {
        AgentRegistered registered = registry.awaitEvent(AgentRegistered.class, r -> r.agent().equals(AGENT),
                Duration.ofSeconds(20));

        assertThat(registered.requestTopic()).isEqualTo("echo-requests");
        assertThat(registered.description()).isEqualTo("Repeats the request in capitals");
        assertThat(registered.card().skills()).singleElement().satisfies(skill -> {
            assertThat(skill.id()).isEqualTo("shout");
            assertThat(skill.examples()).containsExactly("say hello loudly", "repeat this in capitals");
        });
    }

    private static String publish(String text, Duration within) {
        String taskId = UUID.randomUUID().toString();
        publisher.publish(Topics.requestsFor(AGENT), taskId, subtask(taskId, text, within));
        return taskId;
    }

    private static SubtaskRequested subtask(String taskId, String text, Duration within) {
        return SubtaskRequested.of(taskId, "conversation-" + taskId, AGENT, text, List.of(), List.of(), 1,
                Instant.now().plus(within));
    }

    private static long replyTimestamp(String taskId) {
        return replies.records().stream().filter(r -> taskId.equals(r.key())).findFirst().orElseThrow().timestamp();
    }
}
