package dev.agentmesh.gateway.realtime;

import dev.agentmesh.events.AgentTaskCancelled;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.AgentTaskRequested;
import dev.agentmesh.events.TaskPlanned;
import dev.agentmesh.gateway.tasks.ReplyAddress;
import dev.agentmesh.gateway.tasks.TaskListener;
import dev.agentmesh.kafka.logging.TaskMdc;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;

/**
 * The lifecycle of a session's delegated tasks: a completed {@code ask_agents} call becomes a task on Kafka (if
 * the session's budgets allow), its result or its failure becomes the call's output, and a barge-in or a closed
 * session cancels what still waits. Thread-safe: calls arrive on the upstream's thread, results on the Kafka
 * reader's, deadlines on the scheduler's. Each task is a span ({@code delegated turn}) from the model's call to the
 * output sent upstream; the task's record is published in it, so the manager and the agents continue its trace.
 */
final class DelegatedTasks implements TaskListener {

    private static final Logger log = LoggerFactory.getLogger(DelegatedTasks.class);
    /** How long a task waits for the user's profile before it goes without. */
    private static final Duration PROFILE_WAIT = Duration.ofMillis(300);

    /** How the tasks answer the model's calls. */
    interface Calls {
        /** A function-call output, then a response; {@code wordsOnly}: that response may not call tools. */
        void answer(String callId, String output, boolean wordsOnly);

        /** A function-call output and no response (the user interrupted). */
        void cancelled(String callId, String output);

        /** An error event for the client. */
        void tell(String errorEvent);
    }

    private record PendingTask(String taskId, String callId, long startedNanos, ScheduledFuture<?> guard,
                               Span span) {

        /** The turn is over for the gateway: its output went upstream, or it failed or was cancelled. */
        void ended(String outcome) {
            span.tag("outcome", outcome).end();
        }
    }

    private final String conversationId;
    private final String user;
    private final ReplyAddress replyTo;
    private final Duration deadline;
    private final Duration grace;
    private final SessionBudgets budgets;
    private final TurnLog turns;
    private final AgentEvents events;
    private final RelaySession.Environment environment;
    private final Calls calls;
    private final Map<String, PendingTask> pending = new LinkedHashMap<>();

    DelegatedTasks(String conversationId, String user, ReplyAddress replyTo, Duration deadline, Duration grace,
                   SessionBudgets budgets, TurnLog turns, AgentEvents events, RelaySession.Environment environment,
                   Calls calls) {
        this.conversationId = conversationId;
        this.user = user;
        this.replyTo = replyTo;
        this.deadline = deadline;
        this.grace = grace;
        this.budgets = budgets;
        this.turns = turns;
        this.events = events;
        this.environment = environment;
        this.calls = calls;
    }

    /** The model completed a call of the server's tool with these arguments. */
    void start(String callId, String arguments) {
        String request;
        try {
            request = AgentTool.requestFrom(arguments);
        } catch (IllegalArgumentException e) {
            log.warn("Invalid ask_agents call: conversationId={} callId={}: {}", conversationId, callId,
                    e.getMessage());
            calls.answer(callId, AgentTool.failure("Invalid ask_agents arguments: " + e.getMessage()), false);
            return;
        }
        int waiting;
        synchronized (this) {
            waiting = pending.size();
        }
        SessionBudgets.Refusal refusal = budgets.admitTask(waiting);
        if (refusal != null) {
            refuse(callId, refusal);
            return;
        }
        String taskId = UUID.randomUUID().toString();
        try (TaskMdc mdc = TaskMdc.open(taskId, conversationId)) {
            Instant due = Instant.now().plus(deadline);
            java.util.List<dev.agentmesh.events.ContextEntry> context = turns.context();
            Tracer tracer = environment.tracer();
            Span span = tracer.nextSpan().name("delegated turn").tag("task.id", taskId)
                    .tag("conversation.id", conversationId).start();
            synchronized (this) {
                pending.put(taskId, new PendingTask(taskId, callId, System.nanoTime(), environment.schedule(
                        () -> noResult(taskId, "no result arrived within the deadline"), deadline.plus(grace)), span));
            }
            environment.register(taskId, this);
            // the task carries the user's profile if the memory store gives it quickly; it never waits for it long
            environment.profile(user)
                    .completeOnTimeout(null, PROFILE_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .thenAccept(user -> {
                        try (Tracer.SpanInScope ignored = tracer.withSpan(span);
                             TaskMdc publishing = TaskMdc.open(taskId, conversationId)) {
                            environment.publish(AgentTaskRequested.of(taskId, conversationId, request, context, due,
                                    replyTo.instanceId(), user, replyTo.partition()),
                                    () -> noResult(taskId, "the agents cannot be reached right now"));
                        }
                    });
            turns.delegated(taskId, request);
            log.info("Delegated a turn: taskId={} conversationId={}", taskId, conversationId);
            events.started(taskId, callId, request);
        }
    }

    /**
     * A delegation over budget: the call is answered with why, the model's next response may not call tools (so
     * the refusal cannot loop), and the client hears the code.
     */
    private void refuse(String callId, SessionBudgets.Refusal refusal) {
        log.warn("Refused a delegation: conversationId={} callId={} code={}", conversationId, callId, refusal.code());
        environment.metrics().refused(refusal.code());
        calls.tell(RealtimeJson.error("invalid_request_error", refusal.code(), refusal.message(), null));
        calls.answer(callId, AgentTool.failure("Not delegated: " + refusal.message()), true);
    }

    @Override
    public void planned(TaskPlanned plan) {
        events.planned(plan);
    }

    @Override
    public void completed(AgentTaskCompleted result) {
        PendingTask task = take(result.taskId());
        if (task == null) {
            log.info("Dropped a late result: taskId={} conversationId={}", result.taskId(), conversationId);
            return;
        }
        String output = AgentTool.output(result);
        Duration took = Duration.ofNanos(System.nanoTime() - task.startedNanos());
        // the client hears about the outcome before the model can start answering from it
        events.completed(task.taskId(), took, result);
        calls.answer(task.callId(), output, false);
        task.ended(result.partial() ? "partial" : "complete");
        turns.result(task.taskId(), output, result);
        environment.metrics().turn(took, result.partial() ? "partial" : "complete");
        log.info("Result fed back: taskId={} conversationId={} partial={} took={}ms", task.taskId(), conversationId,
                result.partial(), took.toMillis());
    }

    /** The task will not get a result: the model still gets an answer, so the user hears what happened. */
    private void noResult(String taskId, String reason) {
        try (TaskMdc mdc = TaskMdc.open(taskId, conversationId)) {
            giveUp(taskId, reason);
        }
    }

    private void giveUp(String taskId, String reason) {
        PendingTask task = take(taskId);
        if (task == null) {
            return;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - task.startedNanos());
        environment.cancel(AgentTaskCancelled.of(taskId, conversationId, reason));
        calls.answer(task.callId(), AgentTool.failure("The agents could not answer: " + reason + "."), false);
        task.span().event(reason);
        task.ended("failed");
        environment.metrics().turn(took, "failed");
        log.warn("No result: taskId={} conversationId={}: {}", taskId, conversationId, reason);
        events.failed(taskId, took, reason);
    }

    /** Where a cancellation is told: the model (an output for each call) and the client (agent events). */
    enum Tell { NOBODY, CLIENT, MODEL_AND_CLIENT }

    /**
     * Cancels every waiting task, publishing {@code agent-task-cancelled} for each. With {@link Tell#MODEL_AND_CLIENT}
     * each call gets an output, so the conversation stays well formed; no response follows. Returns how many were
     * cancelled.
     */
    int cancelAll(String reason, Tell tell) {
        List<PendingTask> cancelled;
        synchronized (this) {
            if (pending.isEmpty()) {
                return 0;
            }
            cancelled = new ArrayList<>(pending.values());
            pending.clear();
        }
        for (PendingTask task : cancelled) {
            task.guard().cancel(false);
            environment.unregister(task.taskId());
            environment.cancel(AgentTaskCancelled.of(task.taskId(), conversationId, reason));
            environment.metrics().turn(Duration.ofNanos(System.nanoTime() - task.startedNanos()), "cancelled");
            log.info("Cancelled a task: taskId={} conversationId={}: {}", task.taskId(), conversationId, reason);
            if (tell == Tell.MODEL_AND_CLIENT) {
                calls.cancelled(task.callId(), AgentTool.cancelled(reason));
            }
            task.ended("cancelled");
            if (tell != Tell.NOBODY) {
                events.cancelled(task.taskId(), reason);
            }
        }
        return cancelled.size();
    }

    private PendingTask take(String taskId) {
        PendingTask task;
        synchronized (this) {
            task = pending.remove(taskId);
        }
        if (task != null) {
            task.guard().cancel(false);
            environment.unregister(taskId);
        }
        return task;
    }
}
