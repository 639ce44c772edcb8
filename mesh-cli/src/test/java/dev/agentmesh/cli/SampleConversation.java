package dev.agentmesh.cli;

import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.AgentTaskCancelled;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.AgentTaskRequested;
import dev.agentmesh.events.SubtaskCompleted;
import dev.agentmesh.events.SubtaskFailed;
import dev.agentmesh.events.SubtaskRequested;
import dev.agentmesh.events.TaskHeader;
import dev.agentmesh.events.TaskPlanned;
import dev.agentmesh.events.Topics;
import dev.agentmesh.events.TurnRecorded;
import dev.agentmesh.testing.EventPublisher;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * One conversation as the gateway, the manager and two agents would leave it on the topics (same topics, keys and
 * codec), published in an order other than the one it happened in: a delegated turn that weather answers in 120 ms
 * and news fails in 35 ms (a partial result after 408 ms), then a turn cancelled by a barge-in; plus another
 * conversation's reply and an unreadable record under the task's key.
 *
 * @param start when the user's turn happened; the other records follow at fixed offsets from it
 */
record SampleConversation(String conversation, String task, String cancelledTask, Instant start, String asked) {

    static SampleConversation publish(String asked) {
        Topics6.create(Topics.AGENT_TASKS, Topics.AGENT_REPLIES, Topics.AGENT_RESULTS, Topics.CONVERSATION_EVENTS,
                Topics.requestsFor("weather"), Topics.requestsFor("news"));
        SampleConversation sample = new SampleConversation("conv_" + UUID.randomUUID(), UUID.randomUUID().toString(),
                UUID.randomUUID().toString(), Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60), asked);
        try (EventPublisher publisher = new EventPublisher()) {
            sample.publishWith(publisher);
        }
        return sample;
    }

    private void publishWith(EventPublisher out) {
        Instant deadline = start.plusMillis(8_002);
        // written out of order: the result first, the user's turn last
        // the gateway reads one partition of agent-results, which its task names: not the one the task id hashes to
        int replyPartition = (org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
                task.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % 6 + 1) % 6;
        TaskPlanned plan = new TaskPlanned(new TaskHeader("e3", at(15), 1, task, conversation), asked,
                List.of(List.of("weather", "news")), "local", "weather and news skills matched");
        out.publish(Topics.AGENT_RESULTS, replyPartition, task, new AgentTaskCompleted(new TaskHeader("e8", at(410),
                1, task, conversation), "gw-1", List.of(AgentOutcome.answered("weather", "Paris: light rain, 9 °C",
                120, 1), AgentOutcome.failed("news", "the news feed is unreachable", 35, 1)), 408, replyPartition));
        out.publish(Topics.AGENT_RESULTS, replyPartition, task, plan.addressedTo("gw-1", replyPartition));
        out.publish(Topics.AGENT_REPLIES, task, new SubtaskFailed(new TaskHeader("e7", at(52), 1, task, conversation),
                "news", "the news feed is unreachable", 35));
        out.publish(Topics.AGENT_REPLIES, task, new SubtaskCompleted(new TaskHeader("e6", at(140), 1, task,
                conversation), "weather", "Paris: light rain, 9 °C", 120, null));
        out.publish(Topics.requestsFor("weather"), task, new SubtaskRequested(new TaskHeader("e4", at(17), 1, task,
                conversation), "weather", asked, List.of(), List.of(), 1, deadline));
        out.publish(Topics.requestsFor("news"), task, new SubtaskRequested(new TaskHeader("e5", at(17), 1, task,
                conversation), "news", asked, List.of(), List.of(), 1, deadline));
        out.publish(Topics.CONVERSATION_EVENTS, conversation, plan);
        out.publish(Topics.AGENT_TASKS, task, new AgentTaskRequested(new TaskHeader("e2", at(2), 1, task,
                conversation), asked, List.of(), deadline, "gw-1", null, replyPartition));
        out.publish(Topics.CONVERSATION_EVENTS, conversation, new TurnRecorded(new TaskHeader("e1", at(1), 1, task,
                conversation), "tool-call", asked));
        out.publish(Topics.CONVERSATION_EVENTS, conversation, new TurnRecorded(new TaskHeader("e9", at(415), 1, task,
                conversation), "tool-result", "weather: answered: Paris: light rain"));
        out.publish(Topics.CONVERSATION_EVENTS, conversation, new TurnRecorded(new TaskHeader("e0", at(0), 1,
                "turn-1", conversation), "user", asked));
        // the next turn is cancelled by a barge-in before any result
        out.publish(Topics.CONVERSATION_EVENTS, conversation, new TurnRecorded(new TaskHeader("e10", at(2_000), 1,
                cancelledTask, conversation), "tool-call", "And tomorrow?"));
        out.publish(Topics.AGENT_TASKS, cancelledTask, new AgentTaskRequested(new TaskHeader("e11", at(2_001), 1,
                cancelledTask, conversation), "And tomorrow?", List.of(), at(10_001), "gw-1"));
        out.publish(Topics.AGENT_TASKS, cancelledTask, new AgentTaskCancelled(new TaskHeader("e12", at(2_300), 1,
                cancelledTask, conversation), "barge-in"));
        // another conversation's reply, and an unreadable record under the task's key
        String otherTask = UUID.randomUUID().toString();
        out.publish(Topics.AGENT_REPLIES, otherTask, SubtaskCompleted.of(otherTask, "conv_other", "weather", "Oslo", 5));
        out.publishRaw(Topics.AGENT_REPLIES, task, "{not an event".getBytes(StandardCharsets.UTF_8));
    }

    private Instant at(long millisAfterStart) {
        return start.plusMillis(millisAfterStart);
    }
}
