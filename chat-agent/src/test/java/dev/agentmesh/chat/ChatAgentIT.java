package dev.agentmesh.chat;

import dev.agentmesh.events.PriorAnswer;
import dev.agentmesh.events.SubtaskCompleted;
import dev.agentmesh.events.SubtaskRequested;
import dev.agentmesh.events.Topics;
import dev.agentmesh.testing.EventProbe;
import dev.agentmesh.testing.EventPublisher;
import dev.agentmesh.testing.KafkaIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A stage-2 subtask with stage-1 answers, answered by the offline composer through a real broker. */
@KafkaIntegrationTest
@TestPropertySource(properties = {"chat.llm.llm-api-key=", "chat.llm.openai-api-key=", "chat.llm.base-url=",
        "spring.kafka.consumer.auto-offset-reset=earliest"})
class ChatAgentIT {

    @Test
    void relatesTheAnswersOfStageOne() {
        String taskId = UUID.randomUUID().toString();
        try (EventProbe replies = EventProbe.on(Topics.AGENT_REPLIES); EventPublisher publisher = new EventPublisher()) {
            publisher.publish(Topics.requestsFor("chat"), taskId, SubtaskRequested.of(taskId, "c-chat", "chat",
                    "Are today's news and weather related?", List.of(), List.of(
                            new PriorAnswer("weather", "Miami, Florida, United States: rain showers, 81 °F."),
                            new PriorAnswer("news", "Relevant news:\n1. Late storm heads toward Miami — Wire (https://w/1)")),
                    2, Instant.now().plusSeconds(20)));

            SubtaskCompleted reply = replies.awaitEvent(SubtaskCompleted.class, r -> r.taskId().equals(taskId),
                    Duration.ofSeconds(30));

            assertThat(reply.answer()).startsWith("(offline composer) Yes, they look related")
                    .contains("Late storm heads toward Miami");
        }
    }
}
