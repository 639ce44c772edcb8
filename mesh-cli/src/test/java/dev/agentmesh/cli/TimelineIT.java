package dev.agentmesh.cli;

import dev.agentmesh.cli.kafka.KafkaConnection;
import dev.agentmesh.cli.kafka.PartitionReader;
import dev.agentmesh.cli.timeline.Timeline;
import dev.agentmesh.cli.timeline.TimelineReader;
import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.AgentTaskCancelled;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.AgentTaskRequested;
import dev.agentmesh.events.Event;
import dev.agentmesh.events.SubtaskCompleted;
import dev.agentmesh.events.SubtaskFailed;
import dev.agentmesh.events.SubtaskRequested;
import dev.agentmesh.events.TaskPlanned;
import dev.agentmesh.events.Topics;
import dev.agentmesh.events.TurnRecorded;
import dev.agentmesh.testing.EventPublisher;
import dev.agentmesh.testing.TestKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A task's and a conversation's timeline assembled from records on a real broker, published the way the gateway, the
 * manager and the agents publish them (same topics, keys and codec), in an order other than the one they happened in.
 */
class TimelineIT {

    static final String ASKED = "What's the weather in Paris and any news about France?";

    static EventPublisher publisher;
    static String conversation;
    static String task;
    static String cancelledTask;
    static Instant start;

    @BeforeAll
    static void publishADelegatedTurnAndACancelledOne() {
        Topics6.create(Topics.AGENT_TASKS, Topics.AGENT_REPLIES, Topics.AGENT_RESULTS, Topics.CONVERSATION_EVENTS,
                Topics.requestsFor("weather"), Topics.requestsFor("news"));
        publisher = new EventPublisher();
        conversation = "conv_" + UUID.randomUUID();
        task = UUID.randomUUID().toString();
        cancelledTask = UUID.randomUUID().toString();
        String otherTask = UUID.randomUUID().toString();
        start = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
        Instant deadline = start.plusMillis(8_002);

        // written out of order: the result first, the user's turn last
        publish(Topics.AGENT_RESULTS, task, new AgentTaskCompleted("e8", start.plusMillis(410), 1, task, conversation,
                "gw-1", List.of(AgentOutcome.answered("weather", "Paris: light rain, 9 °C", 120, 1),
                AgentOutcome.failed("news", "the news feed is unreachable", 35, 1)), 408));
        publish(Topics.AGENT_REPLIES, task, new SubtaskFailed("e7", start.plusMillis(52), 1, task, conversation,
                "news", "the news feed is unreachable", 35));
        publish(Topics.AGENT_REPLIES, task, new SubtaskCompleted("e6", start.plusMillis(140), 1, task, conversation,
                "weather", "Paris: light rain, 9 °C", 120, null));
        publish(Topics.requestsFor("weather"), task, new SubtaskRequested("e4", start.plusMillis(17), 1, task,
                conversation, "weather", ASKED, List.of(), List.of(), 1, deadline));
        publish(Topics.requestsFor("news"), task, new SubtaskRequested("e5", start.plusMillis(17), 1, task,
                conversation, "news", ASKED, List.of(), List.of(), 1, deadline));
        publish(Topics.CONVERSATION_EVENTS, conversation, new TaskPlanned("e3", start.plusMillis(15), 1, task,
                conversation, ASKED, List.of(List.of("weather", "news")), "local", "weather and news skills matched"));
        publish(Topics.AGENT_TASKS, task, new AgentTaskRequested("e2", start.plusMillis(2), 1, task, conversation,
                ASKED, List.of(), deadline, "gw-1"));
        publish(Topics.CONVERSATION_EVENTS, conversation, new TurnRecorded("e1", start.plusMillis(1), 1, task,
                conversation, "tool-call", ASKED));
        publish(Topics.CONVERSATION_EVENTS, conversation, new TurnRecorded("e9", start.plusMillis(415), 1, task,
                conversation, "tool-result", "weather: answered: Paris: light rain"));
        publish(Topics.CONVERSATION_EVENTS, conversation, new TurnRecorded("e0", start, 1, "turn-1",
                conversation, "user", ASKED));
        // the next turn is cancelled by a barge-in before any result
        publish(Topics.CONVERSATION_EVENTS, conversation, new TurnRecorded("e10", start.plusMillis(2_000), 1,
                cancelledTask, conversation, "tool-call", "And tomorrow?"));
        publish(Topics.AGENT_TASKS, cancelledTask, new AgentTaskRequested("e11", start.plusMillis(2_001), 1,
                cancelledTask, conversation, "And tomorrow?", List.of(), start.plusMillis(10_001), "gw-1"));
        publish(Topics.AGENT_TASKS, cancelledTask, new AgentTaskCancelled("e12", start.plusMillis(2_300), 1,
                cancelledTask, conversation, "barge-in"));
        // another conversation's task and an unreadable record under the task's key
        publish(Topics.AGENT_REPLIES, otherTask, SubtaskCompleted.of(otherTask, "conv_other", "weather", "Oslo", 5));
        publisher.publishRaw(Topics.AGENT_REPLIES, task, "{not an event".getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    static void close() {
        publisher.close();
    }

    static void publish(String topic, String key, Event event) {
        publisher.publish(topic, key, event);
    }

    @Test
    void assemblesATasksTimelineInTheOrderItHappenedWithTimings() {
        Timeline timeline;
        try (PartitionReader reader = new PartitionReader(KafkaConnection.to(TestKafka.bootstrapServers()))) {
            timeline = new TimelineReader(reader).read(task, null);
        }

        assertThat(timeline.kind()).isEqualTo("task");
        assertThat(timeline.conversationId()).isEqualTo(conversation);
        assertThat(timeline.entries()).extracting(Timeline.Entry::what, Timeline.Entry::agent,
                        Timeline.Entry::sinceStartMs)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("delegated", null, 0L),
                        org.assertj.core.groups.Tuple.tuple("requested", null, 1L),
                        org.assertj.core.groups.Tuple.tuple("planned", null, 14L),
                        org.assertj.core.groups.Tuple.tuple("asked", "weather", 16L),
                        org.assertj.core.groups.Tuple.tuple("asked", "news", 16L),
                        org.assertj.core.groups.Tuple.tuple("failed", "news", 51L),
                        org.assertj.core.groups.Tuple.tuple("answered", "weather", 139L),
                        org.assertj.core.groups.Tuple.tuple("result", null, 409L),
                        org.assertj.core.groups.Tuple.tuple("result-delivered", null, 414L));
        assertThat(timeline.undecodable()).isEqualTo(1);

        Timeline.TaskSummary summary = timeline.tasks().getFirst();
        assertThat(summary.outcome()).isEqualTo("partial");
        assertThat(summary.durationMs()).isEqualTo(408);
        assertThat(summary.planner()).isEqualTo("local");
        assertThat(summary.request()).isEqualTo(ASKED);
        assertThat(summary.agents()).extracting(Timeline.AgentLine::agent, Timeline.AgentLine::status,
                        Timeline.AgentLine::durationMs)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("weather", "answered", 120L),
                        org.assertj.core.groups.Tuple.tuple("news", "failed", 35L));
        assertThat(summary.agents().getFirst().askedAt()).isEqualTo(start.plusMillis(17));
        assertThat(summary.agents().getFirst().repliedAt()).isEqualTo(start.plusMillis(140));
    }

    @Test
    void aConversationsTimelineHasEveryTurnAndEachTaskIncludingTheCancelledOne() {
        Cli.Result result = Cli.run("timeline", conversation);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("Conversation " + conversation + ": 2 delegated tasks")
                .contains("task " + task + ": partial in 408 ms")
                .contains("task " + cancelledTask + ": cancelled (cancelled: barge-in)")
                .contains("plan (local): stage 1 weather, news")
                .containsPattern("weather +1 +answered +120 ms +Paris: light rain, 9 °C")
                .containsPattern("news +1 +failed +35 ms +the news feed is unreachable");
        List<String> whats = result.out().lines().filter(l -> l.matches("\\+[0-9].*"))
                .map(l -> l.split(" +")[3]).toList();
        assertThat(whats).containsExactly("user", "delegated", "requested", "planned", "asked", "asked", "failed",
                "answered", "result", "result-delivered", "delegated", "requested", "cancelled");
        assertThat(result.out()).doesNotContain("Oslo");
    }

    @Test
    void jsonCarriesTheSameTimeline() throws Exception {
        Cli.Result result = Cli.run("timeline", task, "--json");

        assertThat(result.exitCode()).as(result.err()).isZero();
        var json = tools.jackson.databind.json.JsonMapper.builder().build().readTree(result.out());
        assertThat(json.path("kind").asString()).isEqualTo("task");
        assertThat(json.path("tasks").get(0).path("agents").get(0).path("durationMs").asLong()).isEqualTo(120);
        assertThat(json.path("entries").size()).isEqualTo(9);
    }

    @Test
    void anUnknownIdIsNotFoundAndABlankOneIsAUsageError() {
        Cli.Result unknown = Cli.run("timeline", "no-such-" + UUID.randomUUID());
        Cli.Result none = Cli.run("timeline");
        Cli.Result badSince = Cli.run("timeline", task, "--since", "yesterday");

        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("no task or conversation 'no-such-");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("name a task id or a conversation id");
        assertThat(badSince.exitCode()).isEqualTo(2);
        assertThat(badSince.err()).contains("--since 'yesterday'");
    }

    @Test
    void sinceLeavesOutWhatWasWrittenBefore() {
        Cli.Result later = Cli.run("timeline", task, "--since", Instant.now().plusSeconds(3600).toString());

        assertThat(later.exitCode()).isEqualTo(1);
        assertThat(later.err()).contains("no task or conversation '" + task + "'");
    }
}
