package dev.agentmesh.cli.timeline;

import dev.agentmesh.cli.Text;
import dev.agentmesh.cli.kafka.PartitionReader;
import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.AgentTaskCancelled;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.AgentTaskRequested;
import dev.agentmesh.events.Event;
import dev.agentmesh.events.EventCodec;
import dev.agentmesh.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tasks requested since a given time, newest first, with their outcome: where an operator finds the id to ask
 * a timeline for. Reads every partition of {@code agent-tasks} and {@code agent-results} from that time on.
 */
public final class RecentTasks {

    private static final int PREVIEW = 100;

    private final PartitionReader reader;

    public RecentTasks(PartitionReader reader) {
        this.reader = reader;
    }

    /**
     * @param outcome {@code complete}, {@code partial}, {@code cancelled} or {@code waiting}
     * @param agents each planned agent and its status, as the result says ({@code weather answered}); empty without
     */
    public record TaskLine(String taskId, String conversationId, Instant requestedAt, String request, String outcome,
                           Long durationMs, List<String> agents) {
    }

    /** At most {@code limit} tasks requested since {@code since}, newest first. */
    public List<TaskLine> since(Instant since, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("--limit must be at least 1");
        }
        Map<String, AgentTaskRequested> requested = new HashMap<>();
        Map<String, AgentTaskCancelled> cancelled = new HashMap<>();
        for (Event event : events(Topics.AGENT_TASKS, since)) {
            if (event instanceof AgentTaskRequested request) {
                requested.putIfAbsent(request.taskId(), request);
            } else if (event instanceof AgentTaskCancelled cancel) {
                cancelled.putIfAbsent(cancel.taskId(), cancel);
            }
        }
        Map<String, AgentTaskCompleted> results = new HashMap<>();
        for (Event event : events(Topics.AGENT_RESULTS, since)) {
            if (event instanceof AgentTaskCompleted result && requested.containsKey(result.taskId())) {
                results.putIfAbsent(result.taskId(), result);
            }
        }
        return requested.values().stream()
                .sorted(Comparator.comparing(AgentTaskRequested::occurredAt).reversed()).limit(limit)
                .map(request -> {
                    AgentTaskCompleted result = results.get(request.taskId());
                    String outcome = result != null ? (result.partial() ? "partial" : "complete")
                            : cancelled.containsKey(request.taskId()) ? "cancelled" : "waiting";
                    List<String> agents = result == null ? List.of() : result.outcomes().stream()
                            .map(o -> o.agent() + " " + statusOf(o.status())).toList();
                    return new TaskLine(request.taskId(), request.conversationId(), request.occurredAt(),
                            Text.preview(request.request(), PREVIEW), outcome,
                            result == null ? null : result.durationMs(), agents);
                }).toList();
    }

    private List<Event> events(String topic, Instant since) {
        List<Event> events = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : reader.read(reader.partitionsOf(topic), since,
                r -> r.value() != null)) {
            try {
                events.add(EventCodec.decode(record.value()));
            } catch (RuntimeException notAnEvent) {
                // what the manager dead-letters; not a task
            }
        }
        return events;
    }

    private static String statusOf(AgentOutcome.Status status) {
        return switch (status) {
            case ANSWERED -> "answered";
            case FAILED -> "failed";
            case TIMED_OUT -> "timed_out";
        };
    }
}
