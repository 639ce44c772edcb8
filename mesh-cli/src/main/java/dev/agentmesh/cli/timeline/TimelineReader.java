package dev.agentmesh.cli.timeline;

import dev.agentmesh.cli.Text;
import dev.agentmesh.cli.kafka.PartitionReader;
import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.AgentTaskCancelled;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.AgentTaskRequested;
import dev.agentmesh.events.Event;
import dev.agentmesh.events.EventCodec;
import dev.agentmesh.events.SubtaskCompleted;
import dev.agentmesh.events.SubtaskFailed;
import dev.agentmesh.events.SubtaskRequested;
import dev.agentmesh.events.TaskPlanned;
import dev.agentmesh.events.TaskScoped;
import dev.agentmesh.events.Topics;
import dev.agentmesh.events.TurnRecorded;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * Assembles a {@link Timeline} from what the topics hold. Every writer keys its records (tasks, plans, subtasks,
 * replies and results by task id; the audit log by conversation id) and partitions by key, so only the one partition
 * that can hold an id is read per topic:
 * <ul>
 *     <li>{@code agent-tasks}: the request (which names the conversation) and any cancellation;</li>
 *     <li>{@code conversation-events}, the audit log: the conversation's turns, the delegated request, the plan, the
 *     result as handed to the model;</li>
 *     <li>each planned agent's request topic, {@code agent-replies} and {@code agent-results}: when each agent was
 *     asked, its reply with the time it took, the one result.</li>
 * </ul>
 * An id that is not a task's is taken as a conversation's, and the timeline then covers all its delegated tasks.
 */
public final class TimelineReader {

    private static final int PREVIEW = 160;

    private final PartitionReader reader;

    public TimelineReader(PartitionReader reader) {
        this.reader = reader;
    }

    private record Read(ConsumerRecord<byte[], byte[]> record, Event event) {
    }

    /**
     * @param since read records written from then on (null: everything the topics still hold)
     * @throws NoSuchElementException when neither a task nor a conversation of that id is found
     */
    public Timeline read(String id, Instant since) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("name a task id or a conversation id");
        }
        int[] undecodable = {0};
        List<Read> taskCommands = keyed(Topics.AGENT_TASKS, id, since, undecodable);
        String conversationId = taskCommands.stream().map(r -> ((TaskScoped) r.event()).conversationId())
                .findFirst().orElse(null);
        boolean task = conversationId != null;
        List<Read> audit = List.of();
        if (!task) {
            audit = ofConversation(keyed(Topics.CONVERSATION_EVENTS, id, since, undecodable), id);
            if (audit.isEmpty()) {
                // a task whose request has left agent-tasks (retention) is still in the audit log, under its
                // conversation's key: found by a search of every partition
                conversationId = searchAudit(id, since);
                task = conversationId != null;
            }
        }
        String conversation = task ? conversationId : id;
        if (task) {
            audit = ofConversation(keyed(Topics.CONVERSATION_EVENTS, conversation, since, undecodable), conversation);
        } else if (audit.isEmpty()) {
            throw new NoSuchElementException("no task or conversation '" + id + "' in " + Topics.AGENT_TASKS + " or "
                    + Topics.CONVERSATION_EVENTS + (since == null ? "" : " since " + since));
        }

        Set<String> taskIds = new LinkedHashSet<>();
        if (task) {
            taskIds.add(id);
        } else {
            audit.stream().map(Read::event).filter(e -> e instanceof TurnRecorded t && "tool-call".equals(t.role())
                    || e instanceof TaskPlanned).map(e -> ((TaskScoped) e).taskId()).forEach(taskIds::add);
        }
        List<Read> all = new ArrayList<>();
        List<Timeline.TaskSummary> summaries = new ArrayList<>();
        for (String taskId : taskIds) {
            List<Read> ofTask = new ArrayList<>();
            ofTask.addAll(task ? taskCommands : keyed(Topics.AGENT_TASKS, taskId, since, undecodable));
            ofTask.addAll(audit.stream().filter(r -> ((TaskScoped) r.event()).taskId().equals(taskId)).toList());
            TaskPlanned plan = ofTask.stream().map(Read::event).filter(TaskPlanned.class::isInstance)
                    .map(TaskPlanned.class::cast).findFirst().orElse(null);
            if (plan != null) {
                for (String agent : plan.stages().stream().flatMap(List::stream).distinct().toList()) {
                    ofTask.addAll(keyed(Topics.requestsFor(agent), taskId, since, undecodable).stream()
                            .filter(r -> r.event() instanceof SubtaskRequested s && s.agent().equals(agent)).toList());
                }
            }
            ofTask.addAll(keyed(Topics.AGENT_REPLIES, taskId, since, undecodable));
            ofTask.addAll(results(taskId, ofTask, since, undecodable));
            summaries.add(summarise(taskId, conversation, ofTask));
            all.addAll(ofTask);
        }
        if (!task) {
            all.addAll(audit.stream().filter(r -> !taskIds.contains(((TaskScoped) r.event()).taskId())).toList());
        }
        return new Timeline(id, task ? "task" : "conversation", conversation, summaries, entries(all),
                undecodable[0]);
    }

    private static List<Read> ofConversation(List<Read> audit, String conversationId) {
        return audit.stream().filter(r -> ((TaskScoped) r.event()).conversationId().equals(conversationId)).toList();
    }

    /** The conversation of the audit-log event of task {@code taskId}, from every partition; null when none. */
    private String searchAudit(String taskId, Instant since) {
        byte[] id = taskId.getBytes(StandardCharsets.UTF_8);
        for (ConsumerRecord<byte[], byte[]> record : reader.read(reader.partitionsOf(Topics.CONVERSATION_EVENTS),
                since, r -> r.value() != null && contains(r.value(), id))) {
            try {
                if (EventCodec.decode(record.value()) instanceof TaskScoped event && event.taskId().equals(taskId)) {
                    return event.conversationId();
                }
            } catch (RuntimeException notAnEvent) {
                // not the task's
            }
        }
        return null;
    }

    private static boolean contains(byte[] value, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= value.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (value[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /**
     * The task's result, on the partition of agent-results its request named (its gateway's), else (a task from before
     * gateways read by partition, or whose request agent-tasks no longer holds) on its key's partition. The plan the
     * manager also sends there is the audit log's plan again (same event), so only the result is taken.
     */
    private List<Read> results(String taskId, List<Read> ofTask, Instant since, int[] undecodable) {
        Integer replyPartition = ofTask.stream().map(Read::event).filter(AgentTaskRequested.class::isInstance)
                .map(e -> ((AgentTaskRequested) e).replyPartition()).filter(Objects::nonNull).findFirst().orElse(null);
        TopicPartition addressed = replyPartition == null ? null
                : new TopicPartition(Topics.AGENT_RESULTS, replyPartition);
        List<Read> read = addressed == null || !reader.partitionsOf(Topics.AGENT_RESULTS).contains(addressed)
                ? keyed(Topics.AGENT_RESULTS, taskId, since, undecodable)
                : keyedIn(addressed, taskId, since, undecodable);
        return read.stream().filter(r -> r.event() instanceof AgentTaskCompleted).toList();
    }

    private List<Read> keyed(String topic, String key, Instant since, int[] undecodable) {
        TopicPartition partition = reader.partitionForKey(topic, key).orElse(null);
        if (partition == null) {
            return List.of();
        }
        return keyedIn(partition, key, since, undecodable);
    }

    private List<Read> keyedIn(TopicPartition partition, String key, Instant since, int[] undecodable) {
        byte[] wanted = key.getBytes(StandardCharsets.UTF_8);
        List<Read> read = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : reader.read(List.of(partition), since,
                r -> java.util.Arrays.equals(r.key(), wanted))) {
            if (record.value() == null) {
                continue;
            }
            try {
                Event event = EventCodec.decode(record.value());
                if (event instanceof TaskScoped) {
                    read.add(new Read(record, event));
                }
            } catch (RuntimeException notAnEvent) {
                undecodable[0]++;
            }
        }
        return read;
    }

    private static Timeline.TaskSummary summarise(String taskId, String conversationId, List<Read> records) {
        AgentTaskRequested requested = first(records, AgentTaskRequested.class);
        TaskPlanned plan = first(records, TaskPlanned.class);
        AgentTaskCancelled cancelled = first(records, AgentTaskCancelled.class);
        AgentTaskCompleted result = first(records, AgentTaskCompleted.class);
        Map<String, Timeline.AgentLine> agents = new LinkedHashMap<>();
        if (plan != null) {
            for (int stage = 0; stage < plan.stages().size(); stage++) {
                for (String agent : plan.stages().get(stage)) {
                    agents.put(agent, new Timeline.AgentLine(agent, stage + 1, "waiting", null, null, null, null));
                }
            }
        }
        for (Read read : records) {
            switch (read.event()) {
                case SubtaskRequested subtask -> agents.compute(subtask.agent(), (agent, line) -> line == null
                        ? new Timeline.AgentLine(agent, subtask.stage(), "waiting", null, subtask.occurredAt(), null, null)
                        : new Timeline.AgentLine(agent, line.stage(), line.status(), line.durationMs(),
                        subtask.occurredAt(), line.repliedAt(), line.text()));
                case SubtaskCompleted reply -> agents.compute(reply.agent(), (agent, line) -> replied(agent, line,
                        "answered", reply.durationMs(), reply.occurredAt(), reply.answer()));
                case SubtaskFailed reply -> agents.compute(reply.agent(), (agent, line) -> replied(agent, line,
                        "failed", reply.durationMs(), reply.occurredAt(), reply.reason()));
                default -> {
                }
            }
        }
        if (result != null) {
            // the manager's verdict wins: a reply after the deadline is a timeout
            for (AgentOutcome outcome : result.outcomes()) {
                Timeline.AgentLine line = agents.get(outcome.agent());
                agents.put(outcome.agent(), new Timeline.AgentLine(outcome.agent(), outcome.stage(),
                        statusOf(outcome.status()), outcome.durationMs(), line == null ? null : line.askedAt(),
                        line == null ? null : line.repliedAt(), Text.preview(outcome.text(), PREVIEW)));
            }
        }
        String outcome = cancelled != null && result == null ? "cancelled"
                : result == null ? "waiting" : result.partial() ? "partial" : "complete";
        return new Timeline.TaskSummary(taskId, conversationId, requested == null ? null : requested.occurredAt(),
                requested != null ? requested.request() : plan != null ? plan.request() : null,
                requested == null ? null : requested.deadline(), plan == null ? null : plan.planner(),
                plan == null ? List.of() : plan.stages(), plan == null ? null : plan.rationale(), outcome,
                result == null ? null : result.durationMs(), cancelled == null ? null : cancelled.reason(),
                List.copyOf(agents.values()));
    }

    private static Timeline.AgentLine replied(String agent, Timeline.AgentLine line, String status, long durationMs,
                                              Instant at, String text) {
        return new Timeline.AgentLine(agent, line == null ? 0 : line.stage(), status, durationMs,
                line == null ? null : line.askedAt(), at, Text.preview(text, PREVIEW));
    }

    private static String statusOf(AgentOutcome.Status status) {
        return switch (status) {
            case ANSWERED -> "answered";
            case FAILED -> "failed";
            case TIMED_OUT -> "timed_out";
        };
    }

    private static List<Timeline.Entry> entries(List<Read> records) {
        List<Read> ordered = records.stream().distinct()
                .sorted(Comparator.comparing((Read r) -> r.event().occurredAt()).thenComparing(r -> order(r.event())))
                .toList();
        Instant start = ordered.isEmpty() ? null : ordered.getFirst().event().occurredAt();
        List<Timeline.Entry> entries = new ArrayList<>();
        for (Read read : ordered) {
            TaskScoped event = (TaskScoped) read.event();
            ConsumerRecord<byte[], byte[]> record = read.record();
            Entry entry = describe(event);
            entries.add(new Timeline.Entry(event.occurredAt(), Duration.between(start, event.occurredAt()).toMillis(),
                    event instanceof TurnRecorded turn && !"tool-call".equals(turn.role())
                            && !"tool-result".equals(turn.role()) ? null : event.taskId(),
                    entry.what(), entry.agent(), entry.durationMs(), entry.detail(), record.topic(),
                    record.partition(), record.offset()));
        }
        return entries;
    }

    private record Entry(String what, String agent, Long durationMs, String detail) {
    }

    private static Entry describe(TaskScoped event) {
        return switch (event) {
            case TurnRecorded turn -> switch (turn.role()) {
                case "tool-call" -> new Entry("delegated", null, null, Text.preview(turn.text(), PREVIEW));
                case "tool-result" -> new Entry("result-delivered", null, null, Text.preview(turn.text(), PREVIEW));
                default -> new Entry(turn.role(), null, null, Text.preview(turn.text(), PREVIEW));
            };
            case AgentTaskRequested requested -> new Entry("requested", null, null,
                    "deadline in " + Duration.between(requested.occurredAt(), requested.deadline()).toMillis()
                            + " ms: " + Text.preview(requested.request(), PREVIEW));
            case TaskPlanned plan -> new Entry("planned", null, null, "by " + plan.planner() + ": "
                    + stagesOf(plan.stages()) + (plan.rationale() == null ? ""
                    : " (" + Text.preview(plan.rationale(), 80) + ")"));
            case SubtaskRequested subtask -> new Entry("asked", subtask.agent(), null, "stage " + subtask.stage()
                    + ", deadline in " + Duration.between(subtask.occurredAt(), subtask.deadline()).toMillis() + " ms");
            case SubtaskCompleted reply -> new Entry("answered", reply.agent(), reply.durationMs(),
                    Text.preview(reply.answer(), PREVIEW));
            case SubtaskFailed reply -> new Entry("failed", reply.agent(), reply.durationMs(),
                    Text.preview(reply.reason(), PREVIEW));
            case AgentTaskCompleted result -> new Entry("result", null, result.durationMs(),
                    (result.partial() ? "partial: " : "complete: ") + String.join(", ", result.outcomes().stream()
                            .map(o -> o.agent() + " " + statusOf(o.status())
                                    + (o.durationMs() == null ? "" : " " + o.durationMs() + " ms")).toList()));
            case AgentTaskCancelled cancelled -> new Entry("cancelled", null, null,
                    Objects.requireNonNullElse(cancelled.reason(), ""));
            default -> new Entry(event.getClass().getSimpleName(), null, null, "");
        };
    }

    static String stagesOf(List<List<String>> stages) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            parts.add("stage " + (i + 1) + " " + (stages.get(i).isEmpty() ? "(none)" : String.join(", ", stages.get(i))));
        }
        return parts.isEmpty() ? "no agents" : String.join(" · ", parts);
    }

    /** Among events of the same instant, the order they are caused in. */
    private static int order(Event event) {
        return switch (event) {
            case TurnRecorded turn when "tool-call".equals(turn.role()) -> 1;
            case AgentTaskRequested ignored -> 2;
            case TaskPlanned ignored -> 3;
            case SubtaskRequested ignored -> 4;
            case SubtaskCompleted ignored -> 5;
            case SubtaskFailed ignored -> 5;
            case AgentTaskCancelled ignored -> 6;
            case AgentTaskCompleted ignored -> 7;
            case TurnRecorded turn when "tool-result".equals(turn.role()) -> 8;
            default -> 0;
        };
    }

    private static <T extends Event> T first(List<Read> records, Class<T> type) {
        return records.stream().map(Read::event).filter(type::isInstance).map(type::cast).findFirst().orElse(null);
    }
}
