package dev.agentmesh.manager.aggregation;

import dev.agentmesh.kafka.TraceHeaders;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import org.apache.kafka.common.header.Headers;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The spans of one stream task's open tasks: {@code aggregate task} from the request to the result (a child of the
 * span that published the request, so of the gateway's turn) and, under it, {@code stage N} while that stage's
 * agents work. Planning ({@code plan task}) and the records the aggregator publishes are children of these: a
 * subtask carries its stage's context, the plan and the result carry the task's.
 * <p>
 * Spans live in memory, the trace they continue in the task's state: an instance that takes a task over (a
 * restart, another instance's failure) opens a new {@code aggregate task} span in the same trace, tagged
 * {@code resumed}, and one whose partitions are taken away ends its spans, tagged {@code handed.over}. Stream thread
 * only, like the processor that owns it.
 */
final class TaskSpans {

    private static final class Open {
        final Span task;
        Span stage;

        Open(Span task) {
            this.task = task;
        }
    }

    private final TraceHeaders tracing;
    private final Map<String, Open> open = new HashMap<>();

    TaskSpans(TraceHeaders tracing) {
        this.tracing = tracing;
    }

    /** Writes a span's context into a record's headers. */
    void write(TraceContext context, Headers headers) {
        tracing.write(context, headers);
    }

    /** The trace a request's record carries, to keep with the task's state. */
    Map<String, String> traceOf(Headers headers) {
        return tracing.asMap(headers);
    }

    /** A task just requested: its span begins. */
    TraceContext opened(TaskState state) {
        Open spans = new Open(taskSpan(state).start());
        open.put(state.taskId(), spans);
        return spans.task.context();
    }

    /** The task's span; one tagged {@code resumed} if this instance did not open it. */
    TraceContext task(TaskState state) {
        return spans(state).task.context();
    }

    /** Ends the stage that ran and opens the next one's span. */
    TraceContext stage(TaskState state, int number, List<String> agents) {
        Open spans = spans(state);
        endStage(spans);
        spans.stage = tracing.tracer().nextSpan(spans.task).name("stage " + number)
                .tag("stage", number).tagOfStrings("agents", agents).start();
        return spans.stage.context();
    }

    /** The agents of the running stage, once the plan names them. */
    void stageAgents(TaskState state, List<String> agents) {
        Open spans = spans(state);
        if (spans.stage != null) {
            spans.stage.tagOfStrings("agents", agents);
        }
    }

    /** Something that happened to the task, on the running stage's span (the task's while it plans). */
    void event(TaskState state, String what) {
        Open spans = spans(state);
        (spans.stage != null ? spans.stage : spans.task).event(what);
    }

    /** The result is published or the task cancelled: its spans end. */
    void closed(TaskState state, String outcome) {
        Open spans = open.remove(state.taskId());
        if (spans == null) {
            return;
        }
        endStage(spans);
        spans.task.tag("outcome", outcome).end();
    }

    /** This instance no longer owns these tasks (rebalance, shutdown): another one goes on with them. */
    void handOver() {
        for (Open spans : open.values()) {
            endStage(spans);
            spans.task.tag("handed.over", true).end();
        }
        open.clear();
    }

    private Open spans(TaskState state) {
        return open.computeIfAbsent(state.taskId(), taskId -> new Open(taskSpan(state).tag("resumed", true).start()));
    }

    private Span.Builder taskSpan(TaskState state) {
        return tracing.continuing(state.trace(), "aggregate task")
                .tag("task.id", state.taskId()).tag("conversation.id", state.conversationId());
    }

    private static void endStage(Open spans) {
        if (spans.stage != null) {
            spans.stage.end();
            spans.stage = null;
        }
    }
}
