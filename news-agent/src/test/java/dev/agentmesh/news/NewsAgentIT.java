package dev.agentmesh.news;

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

/** The news service answers a subtask from its request topic on agent-replies, through a real broker. */
@KafkaIntegrationTest
@TestPropertySource(properties = {"news.provider=offline", "spring.kafka.consumer.auto-offset-reset=earliest"})
class NewsAgentIT {

    @Test
    void answersASubtaskFromItsRequestTopic() {
        String taskId = UUID.randomUUID().toString();
        try (EventProbe replies = EventProbe.on(Topics.AGENT_REPLIES); EventPublisher publisher = new EventPublisher()) {
            publisher.publish(Topics.requestsFor("news"), taskId, SubtaskRequested.of(taskId, "c-news", "news",
                    "Any news about the elections in Germany?", List.of(), List.of(), 1, Instant.now().plusSeconds(20)));

            SubtaskCompleted reply = replies.awaitEvent(SubtaskCompleted.class, r -> r.taskId().equals(taskId),
                    Duration.ofSeconds(30));

            assertThat(reply.agent()).isEqualTo("news");
            assertThat(reply.answer()).contains("Germany's parties enter final week of election campaign");
        }
    }
}
