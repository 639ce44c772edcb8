package dev.agentmesh.manager.flow;

import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.AgentTaskRequested;
import dev.agentmesh.events.SubtaskCompleted;
import dev.agentmesh.events.Topics;
import dev.agentmesh.manager.planning.Plan;
import dev.agentmesh.manager.planning.Planner;
import dev.agentmesh.testing.EventProbe;
import dev.agentmesh.testing.EventPublisher;
import dev.agentmesh.testing.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The planning stage sends stage 1's subtasks right after the plan, so through the real broker an agent's reply can
 * reach the aggregation before the plan does, and a manager can stop between the plan and the replies. Either way
 * the task gets exactly one result with the agent's answer, and the agent is asked once.
 */
class FirstStageIT {

    private static final String APPLICATION_ID = "first-stage-manager";
    /** Holds planning of tasks whose request says so until the test lets it go. */
    private static final CountDownLatch planningMayFinish = new CountDownLatch(1);

    private static ScriptedAgent slow;
    private static ManagerInstance manager;

    @TestConfiguration
    static class TheSlowAgentPlanner {
        @Bean
        @Primary
        Planner slowAgentOnly() {
            return (request, context, agents) -> {
                if (request.contains("hold the plan")) {
                    try {
                        planningMayFinish.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return new Plan(List.of(List.of("first-stage-slow")), "test", "the slow agent");
            };
        }
    }

    @BeforeAll
    static void startAManagerAndASlowAgent() {
        slow = ScriptedAgent.start("first-stage-slow", "Answers after a while", Duration.ofSeconds(6),
                request -> "slow answer");
        manager = startManager();
    }

    private static ManagerInstance startManager() {
        ManagerInstance started = ManagerInstance.start(APPLICATION_ID,
                "spring.main.sources=" + TheSlowAgentPlanner.class.getName(), "manager.max-deadline=60s");
        started.awaitRunning();
        return started;
    }

    @AfterAll
    static void stopEverything() {
        manager.close();
        slow.close();
    }

    @Test
    void aReplyThatArrivesBeforeItsPlanCountsWhenThePlanArrives() throws Exception {
        String taskId = UUID.randomUUID().toString();
        try (EventProbe results = EventProbe.on(Topics.AGENT_RESULTS); EventPublisher publisher = new EventPublisher()) {
            publisher.publish(Topics.AGENT_TASKS, taskId, AgentTaskRequested.of(taskId, "conversation-early",
                    "please hold the plan", List.of(), Instant.now().plusSeconds(30), "gateway-test"));
            await().atMost(Duration.ofSeconds(20)).until(() -> manager.holds(taskId));

            // the agent's reply (as a replica that already had the subtask would send it) is read before the plan
            publisher.publish(Topics.AGENT_REPLIES, taskId, SubtaskCompleted.of(taskId, "conversation-early",
                    "first-stage-slow", "early answer", 5));
            await().atMost(Duration.ofSeconds(20)).until(FirstStageIT::managerReadEveryReply);
            assertThat(results.events(AgentTaskCompleted.class)).noneMatch(r -> r.taskId().equals(taskId));
            Instant released = Instant.now();
            planningMayFinish.countDown();

            AgentTaskCompleted result = results.awaitEvent(AgentTaskCompleted.class, r -> r.taskId().equals(taskId),
                    Duration.ofSeconds(5));
            assertThat(Duration.between(released, Instant.now())).as("not waiting for the agent's own 6 s")
                    .isLessThan(Duration.ofSeconds(5));
            assertThat(result.partial()).isFalse();
            assertThat(result.outcomes()).extracting(AgentOutcome::agent, AgentOutcome::answer)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("first-stage-slow", "early answer"));
            await().atMost(Duration.ofSeconds(10)).until(() -> slow.received.stream()
                    .anyMatch(request -> request.taskId().equals(taskId)));
        }
    }

    @Test
    void aManagerRestartedBetweenThePlanAndTheRepliesPublishesTheOneResultAndAsksNobodyTwice() {
        String taskId = UUID.randomUUID().toString();
        try (EventProbe results = EventProbe.on(Topics.AGENT_RESULTS); EventPublisher publisher = new EventPublisher()) {
            publisher.publish(Topics.AGENT_TASKS, taskId, AgentTaskRequested.of(taskId, "conversation-restart",
                    "anything", List.of(), Instant.now().plusSeconds(50), "gateway-test"));
            await().atMost(Duration.ofSeconds(20)).until(() -> slow.received.stream()
                    .anyMatch(request -> request.taskId().equals(taskId)));

            manager.close(); // while the agent works on its 6 s
            manager = startManager();

            AgentTaskCompleted result = results.awaitEvent(AgentTaskCompleted.class, r -> r.taskId().equals(taskId),
                    Duration.ofSeconds(60));
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);

            assertThat(results.events(AgentTaskCompleted.class)).filteredOn(r -> r.taskId().equals(taskId))
                    .hasSize(1);
            assertThat(result.partial()).isFalse();
            assertThat(result.outcomes()).extracting(AgentOutcome::answer).containsExactly("slow answer");
            assertThat(slow.received).filteredOn(request -> request.taskId().equals(taskId)).hasSize(1);
        }
    }

    /** The manager's committed offsets on agent-replies reached the topic's end: it processed every reply. */
    private static boolean managerReadEveryReply() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(APPLICATION_ID)
                    .partitionsToOffsetAndMetadata().get();
            List<TopicPartition> partitions = admin.describeTopics(List.of(Topics.AGENT_REPLIES)).allTopicNames().get()
                    .get(Topics.AGENT_REPLIES).partitions().stream()
                    .map(partition -> new TopicPartition(Topics.AGENT_REPLIES, partition.partition())).toList();
            Map<TopicPartition, Long> ends = admin.listOffsets(partitions.stream()
                            .collect(Collectors.toMap(Function.identity(), partition -> OffsetSpec.latest())))
                    .all().get().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().offset()));
            return partitions.stream().allMatch(partition -> ends.get(partition) == 0
                    || committed.containsKey(partition) && committed.get(partition).offset() >= ends.get(partition));
        }
    }
}
