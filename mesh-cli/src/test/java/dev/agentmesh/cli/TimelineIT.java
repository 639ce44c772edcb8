package dev.agentmesh.cli;

import dev.agentmesh.cli.kafka.KafkaConnection;
import dev.agentmesh.cli.kafka.PartitionReader;
import dev.agentmesh.cli.timeline.Timeline;
import dev.agentmesh.cli.timeline.TimelineReader;
import dev.agentmesh.events.TaskPlanned;
import dev.agentmesh.events.Topics;
import dev.agentmesh.events.TurnRecorded;
import dev.agentmesh.testing.EventPublisher;
import dev.agentmesh.testing.TestKafka;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A task's and a conversation's timeline assembled from records on a real broker ({@link SampleConversation}: published
 * the way the gateway, the manager and the agents publish them, in an order other than the one they happened in).
 */
class TimelineIT {

    static final String ASKED = "What's the weather in Paris and any news about France?";

    static String conversation;
    static String task;
    static String cancelledTask;
    static Instant start;

    @BeforeAll
    static void publishADelegatedTurnAndACancelledOne() {
        SampleConversation sample = SampleConversation.publish(ASKED);
        conversation = sample.conversation();
        task = sample.task();
        cancelledTask = sample.cancelledTask();
        start = sample.start();
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
    void listsTheRecentTasksNewestFirstWithTheirOutcome() {
        Cli.Result result = Cli.run("tasks", "--since", "10m");

        assertThat(result.exitCode()).as(result.err()).isZero();
        List<String> lines = result.out().lines().toList();
        int cancelled = indexOf(lines, cancelledTask);
        int partial = indexOf(lines, task);
        assertThat(cancelled).as(result.out()).isNotNegative().isLessThan(partial);
        assertThat(lines.get(partial)).containsPattern(task + " +partial +408 ms +weather answered, news failed +"
                + "What's the weather in Paris");
        assertThat(lines.get(cancelled)).containsPattern(cancelledTask + " +cancelled +- +And tomorrow\\?");
        assertThat(Cli.run("tasks", "--since", "1s").out()).doesNotContain(task);
    }

    private static int indexOf(List<String> lines, String id) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(id)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void findsATaskWhoseRequestHasLeftAgentTasksInTheAuditLog() {
        String oldTask = UUID.randomUUID().toString();
        String oldConversation = "conv_" + UUID.randomUUID();
        try (EventPublisher publisher = new EventPublisher()) {
            publisher.publish(Topics.CONVERSATION_EVENTS, oldConversation, TurnRecorded.of(oldTask, oldConversation,
                    "tool-call", "Any news?"));
            publisher.publish(Topics.CONVERSATION_EVENTS, oldConversation, TaskPlanned.of(oldTask, oldConversation,
                    "Any news?", List.of(List.of("news")), "llm", "news asked"));
        }

        Cli.Result result = Cli.run("timeline", oldTask);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("Task " + oldTask + " in conversation " + oldConversation)
                .contains("plan (llm): stage 1 news");
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
