package dev.agentmesh.manager.aggregation;

import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.AgentReply;
import dev.agentmesh.events.AgentTaskCancelled;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.AgentTaskRequested;
import dev.agentmesh.events.Event;
import dev.agentmesh.events.SubtaskCompleted;
import dev.agentmesh.events.SubtaskFailed;
import dev.agentmesh.events.TaskPlanned;
import dev.agentmesh.events.TaskScoped;
import dev.agentmesh.kafka.TraceHeaders;
import dev.agentmesh.kafka.logging.TaskMdc;
import dev.agentmesh.manager.planning.Plan;
import dev.agentmesh.manager.planning.PlanningStage;
import io.micrometer.tracing.TraceContext;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.List;

/**
 * The manager's core, one instance per stream task (partition): hands each requested task to the planning stage
 * (which plans off this thread, sends the plan back on agent-plans and stage 1's subtasks straight on to the agents),
 * then runs the later stages, collects replies by task id and publishes exactly one result, when every planned agent
 * has replied or at the deadline, naming who failed or timed out and why. The plan and the result go to the partition of
 * agent-results the task named (its gateway's; see {@link AggregationConfiguration}), the plan also to the audit
 * log. A reply that arrives before its plan is kept and counted when the plan arrives; duplicate and late replies are
 * ignored; a
 * cancelled task publishes nothing. Its state lives in a store backed by a changelog topic, so when an instance
 * stops, another one restores the open tasks and finishes them. Each task is traced ({@link TaskSpans}): the
 * records it publishes carry its spans' context on, so one trace runs from the gateway through the agents and back.
 */
final class TaskAggregator extends ContextualProcessor<String, Event, String, Event> {

    private record Due(Instant at, String taskId) {
    }

    /** Open tasks' stage deadlines, soonest first; may hold stale entries, which the check skips. */
    private final PriorityQueue<Due> deadlines = new PriorityQueue<>(Comparator.comparing(Due::at));
    /** Each open task's current stage deadline: an entry of {@link #deadlines} that differs is stale. */
    private final Map<String, Instant> openDeadlines = new java.util.HashMap<>();

    /**
     * Closed tasks by the time they closed, soonest first, so that forgetting them reads only the ones due (the
     * store keeps every task of the retention, thousands a minute under load, and a scan of them all held up this
     * stream thread every few seconds).
     */
    private final PriorityQueue<Due> closings = new PriorityQueue<>(Comparator.comparing(Due::at));

    /** After taking tasks over, how long the replies already waiting get before deadlines are enforced. */
    private static final Duration CATCH_UP = Duration.ofSeconds(1);
    private Instant catchUpUntil = Instant.MIN;
    /** The first stages of the tasks being planned now, so that a cancellation reaches the planning thread. */
    private final Map<String, FirstStageSubtasks> beingPlanned = new java.util.HashMap<>();
    /** Restored tasks still waiting for their plan: planned again once the plans already sent had time to arrive. */
    private final List<String> planAfterCatchUp = new ArrayList<>();

    static final String STORE = "tasks";

    private static final Logger log = LoggerFactory.getLogger(TaskAggregator.class);

    private final PlanningStage planning;
    private final AggregationSettings settings;
    private final ManagerMetrics metrics;
    private final Clock clock;
    private final TaskSpans spans;
    private KeyValueStore<String, TaskState> tasks;
    /** The record being processed; null in punctuations. */
    private Headers incoming;

    TaskAggregator(PlanningStage planning, AggregationSettings settings, ManagerMetrics metrics, Clock clock,
                   TraceHeaders tracing) {
        this.spans = new TaskSpans(tracing);
        this.planning = planning;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, Event> context) {
        super.init(context);
        tasks = context.getStateStore(STORE);
        // The store is restored from its changelog before processors start: index the open tasks it holds, and
        // plan again those whose plan had not come back, after the catch-up: the previous owner may have sent the
        // plan and its first stage's subtasks already, and planning again would ask those agents twice (if it
        // does, the first plan read counts and the second reply of an agent is ignored).
        try (KeyValueIterator<String, TaskState> all = tasks.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value.isOpen()) {
                    deadlines.add(new Due(entry.value.stageDeadline(), entry.key));
                    openDeadlines.put(entry.key, entry.value.stageDeadline());
                } else {
                    closings.add(new Due(entry.value.closedAt(), entry.key));
                }
                if (entry.value.isPlanning()) {
                    planAfterCatchUp.add(entry.key);
                }
            });
        }
        if (!deadlines.isEmpty()) {
            catchUpUntil = clock.instant().plus(CATCH_UP);
        }
        context.schedule(settings.deadlineCheckInterval(), PunctuationType.WALL_CLOCK_TIME,
                timestamp -> checkDeadlines(Instant.ofEpochMilli(timestamp)));
        context.schedule(expiryInterval(), PunctuationType.WALL_CLOCK_TIME,
                timestamp -> forgetClosed(Instant.ofEpochMilli(timestamp)));
    }

    /** Closed tasks are kept to ignore late replies and repeated requests; they are dropped on a slow timer. */
    private Duration expiryInterval() {
        Duration tenth = settings.closedRetention().dividedBy(10);
        Duration atMost = Duration.ofSeconds(10);
        Duration interval = tenth.compareTo(atMost) > 0 ? atMost : tenth;
        return interval.compareTo(settings.deadlineCheckInterval()) < 0 ? settings.deadlineCheckInterval() : interval;
    }

    private void save(TaskState state) {
        tasks.put(state.taskId(), state);
        if (state.isOpen()) {
            if (!state.stageDeadline().equals(openDeadlines.put(state.taskId(), state.stageDeadline()))) {
                deadlines.add(new Due(state.stageDeadline(), state.taskId()));
            }
        } else {
            openDeadlines.remove(state.taskId());
            closings.add(new Due(state.closedAt(), state.taskId()));
        }
    }

    @Override
    public void process(Record<String, Event> record) {
        Instant now = clock.instant();
        incoming = record.headers();
        // every record is keyed by its task's id; the stream thread's lines carry it while the record is handled
        try (TaskMdc mdc = TaskMdc.open(record.key(),
                record.value() instanceof TaskScoped scoped ? scoped.conversationId() : null)) {
            switch (record.value()) {
                case AgentTaskRequested requested -> onRequested(requested, now);
                case AgentTaskCancelled cancelled -> onCancelled(cancelled, now);
                case AgentReply reply -> onReply(reply, now);
                case TaskPlanned planned -> onPlanned(planned, Instant.ofEpochMilli(record.timestamp()), now);
                case null -> log.debug("Ignoring a tombstone for key {}", record.key());
                default -> log.warn("Ignoring an unexpected {} for key {}",
                        record.value().getClass().getSimpleName(), record.key());
            }
        } finally {
            incoming = null;
        }
    }

    /** Partitions taken away or the stream closing: the tasks go on elsewhere (or after a restart). */
    @Override
    public void close() {
        beingPlanned.clear();
        spans.handOver();
    }

    private void onRequested(AgentTaskRequested request, Instant now) {
        if (tasks.get(request.taskId()) != null) {
            log.info("Ignoring a repeated request: taskId={} conversationId={}", request.taskId(),
                    request.conversationId());
            return;
        }
        Instant latest = now.plus(settings.maxDeadline());
        Instant deadline = request.deadline().isAfter(latest) ? latest : request.deadline();
        TaskState state = TaskState.planning(request, now, deadline, spans.traceOf(incoming));
        save(state);
        spans.opened(state);
        submitPlanning(state);
    }

    /**
     * Planning runs elsewhere, in the task's trace; the plan comes back on agent-plans ({@link #onPlanned}). Stage 1's
     * span opens now, since its subtasks leave with the plan, carrying its context.
     */
    private void submitPlanning(TaskState state) {
        TraceContext task = spans.task(state);
        FirstStageSubtasks firstStage = new FirstStageSubtasks(state, settings, spans.stage(state, 1, List.of()));
        beingPlanned.put(state.taskId(), firstStage);
        planning.submit(new PlanningStage.Request(state.taskId(), state.conversationId(), state.request(),
                state.context(), state.deadline(), task, firstStage));
    }

    /**
     * The planning stage sent stage 1's subtasks right after this plan, with a deadline computed from the instant
     * the plan's record carries; the same instant gives the stage's deadline here, whenever the plan is read.
     */
    private void onPlanned(TaskPlanned planned, Instant sentAt, Instant now) {
        beingPlanned.remove(planned.taskId());
        TaskState state = tasks.get(planned.taskId());
        if (state == null || !state.isPlanning()) {
            log.debug("Ignoring a plan for taskId={} that is not waiting for one", planned.taskId());
            return;
        }
        Plan plan = new Plan(planned.stages(), planned.planner(), planned.rationale());
        metrics.planned(plan);
        log.info("Running the plan for taskId={} conversationId={}: stages={} by {} planner, {} ms after the request",
                state.taskId(), state.conversationId(), plan.stages(), plan.planner(),
                Duration.between(state.requestedAt(), now).toMillis());
        forward(state.conversationId(), planned, now, spans.task(state));
        if (state.replyPartition() != null) {
            // the agents panel of the session's gateway; the audit copy above is for people and replays
            forward(state.taskId(), planned.addressedTo(state.replyTo(), state.replyPartition()), now,
                    spans.task(state));
        }
        TaskState open = state.planned(plan.stages());
        spans.stageAgents(open, open.agentsInStage(1));
        if (plan.stages().isEmpty()) {
            complete(open, now);
            return;
        }
        Instant plannedAt = sentAt.isBefore(state.requestedAt()) ? state.requestedAt()
                : sentAt.isAfter(now) ? now : sentAt;
        TaskState running = open.withStage(1, open.stageDeadlineFrom(1, plannedAt, settings.stageOneShare()));
        for (AgentOutcome early : running.outcomes().values()) {
            metrics.outcome(early);
            spans.event(running, early.agent() + " " + early.status().name().toLowerCase(java.util.Locale.ROOT));
        }
        advance(running, now);
    }

    private void onCancelled(AgentTaskCancelled cancelled, Instant now) {
        TaskState state = tasks.get(cancelled.taskId());
        if (state == null) {
            save(TaskState.cancelledBeforeRequest(cancelled.taskId(), cancelled.conversationId(), now));
        } else if (state.isOpen()) {
            FirstStageSubtasks firstStage = beingPlanned.remove(state.taskId());
            if (firstStage != null) {
                firstStage.cancel();
            }
            save(state.closed(TaskState.Status.CANCELLED, now));
            spans.closed(state, "cancelled");
            metrics.cancelled();
            log.info("Cancelled taskId={} conversationId={} ({}); its result will not be published",
                    state.taskId(), state.conversationId(), cancelled.reason());
        }
    }

    private void onReply(AgentReply reply, Instant now) {
        TaskState state = tasks.get(reply.taskId());
        if (state == null || !state.isOpen()) {
            log.debug("Ignoring a late reply from {} for taskId={}", reply.agent(), reply.taskId());
            return;
        }
        if (state.isPlanning()) {
            keepUntilPlanned(state, reply);
            return;
        }
        if (!state.planned(reply.agent()) || state.outcomes().containsKey(reply.agent())) {
            log.debug("Ignoring a duplicate or unplanned reply from {} for taskId={}", reply.agent(), reply.taskId());
            return;
        }
        AgentOutcome outcome = outcomeOf(reply, state.stageOf(reply.agent()));
        metrics.outcome(outcome);
        spans.event(state, reply.agent() + " " + outcome.status().name().toLowerCase(java.util.Locale.ROOT));
        advance(state.withOutcome(outcome), now);
    }

    /** A stage-1 agent answered before the plan was read back: its outcome waits in the state for the plan. */
    private void keepUntilPlanned(TaskState state, AgentReply reply) {
        if (state.outcomes().containsKey(reply.agent())) {
            log.debug("Ignoring a duplicate reply from {} for taskId={}", reply.agent(), reply.taskId());
            return;
        }
        log.debug("Keeping the reply from {} for taskId={} until its plan arrives", reply.agent(), reply.taskId());
        save(state.withOutcome(outcomeOf(reply, 0)));
    }

    private AgentOutcome outcomeOf(AgentReply reply, int stage) {
        return switch (reply) {
            case SubtaskCompleted completed -> settings.answerCaps().arrived(AgentOutcome.answered(reply.agent(),
                    completed.answer(), completed.durationMs(), stage), completed.wasTruncated());
            case SubtaskFailed failed -> settings.answerCaps().arrived(AgentOutcome.failed(reply.agent(),
                    failed.reason(), failed.durationMs(), stage), false);
        };
    }

    /**
     * Times out the stages whose deadline passed. Only the index of open tasks' deadlines is read, so the cost
     * does not grow with the closed tasks the store keeps; an index entry whose task moved on (a later stage, or
     * closed) is skipped without reading the task.
     */
    private void checkDeadlines(Instant now) {
        if (now.isBefore(catchUpUntil)) {
            // Just took these tasks over (a restart or another instance's failure): replies that arrived in time
            // may still wait on agent-replies; read them before judging anyone late.
            return;
        }
        planWaitingTasks();
        Map<String, TaskState> due = new LinkedHashMap<>();
        while (!deadlines.isEmpty() && !now.isBefore(deadlines.peek().at())) {
            Due entry = deadlines.poll();
            String taskId = entry.taskId();
            if (!entry.at().equals(openDeadlines.get(taskId))) {
                continue;
            }
            TaskState state = tasks.get(taskId);
            if (state != null && state.isOpen() && !now.isBefore(state.stageDeadline())) {
                due.putIfAbsent(taskId, state);
            }
        }
        for (TaskState state : due.values()) {
            // its deadline is used up: whatever the task does next (a later stage) is indexed afresh when saved
            openDeadlines.remove(state.taskId());
            try (TaskMdc mdc = TaskMdc.open(state.taskId(), state.conversationId())) {
                expire(state, now);
            }
        }
    }

    private void planWaitingTasks() {
        for (String taskId : planAfterCatchUp) {
            TaskState state = tasks.get(taskId);
            if (state != null && state.isPlanning()) {
                try (TaskMdc mdc = TaskMdc.open(state.taskId(), state.conversationId())) {
                    log.info("Planning again a task taken over before its plan came back: taskId={} conversationId={}",
                            state.taskId(), state.conversationId());
                    submitPlanning(state);
                }
            }
        }
        planAfterCatchUp.clear();
    }

    private void expire(TaskState state, Instant now) {
        TaskState timedOut = state;
        for (String agent : state.missingInStage()) {
            AgentOutcome outcome = AgentOutcome.timedOut(agent, "no reply within "
                    + Duration.between(state.requestedAt(), now).toMillis() + " ms", state.stage());
            metrics.outcome(outcome);
            timedOut = timedOut.withOutcome(outcome);
        }
        spans.event(state, "deadline passed: timed out " + state.missingInStage());
        if (state.isPlanning()) {
            log.warn("Deadline passed before a plan came back: taskId={} conversationId={}", state.taskId(),
                    state.conversationId());
        } else {
            log.info("Deadline passed for stage {} of taskId={} conversationId={}: timed out {}", state.stage(),
                    state.taskId(), state.conversationId(), state.missingInStage());
        }
        advance(timedOut, now);
    }

    private void forgetClosed(Instant now) {
        Instant closedBefore = now.minus(settings.closedRetention());
        while (!closings.isEmpty() && closings.peek().at().isBefore(closedBefore)) {
            String taskId = closings.poll().taskId();
            TaskState state = tasks.get(taskId);
            if (state != null && !state.isOpen() && state.closedAt().isBefore(closedBefore)) {
                tasks.delete(taskId);
            }
        }
    }

    private void advance(TaskState state, Instant now) {
        if (!state.stageComplete()) {
            save(state);
        } else if (state.hasNextStage() && now.isBefore(state.deadline())) {
            save(startStage(state, state.stage() + 1, now));
        } else {
            complete(state, now);
        }
    }

    /** A later stage: stage 1 left with the plan. */
    private TaskState startStage(TaskState state, int number, Instant now) {
        Instant until = state.stageDeadlineFrom(number, now, settings.stageOneShare());
        TraceContext stage = spans.stage(state, number, state.agentsInStage(number));
        for (String agent : state.agentsInStage(number)) {
            forward(state.taskId(), state.subtaskFor(agent, number, until,
                    settings.answerCaps().priorAnswersWithinTotal(state.priorAnswers())), now, stage);
        }
        return state.withStage(number, until);
    }

    private void complete(TaskState state, Instant now) {
        List<AgentOutcome> outcomes = new ArrayList<>(state.outcomesInPlanOrder());
        for (String agent : state.stages().stream().flatMap(List::stream).toList()) {
            if (!state.outcomes().containsKey(agent)) {
                outcomes.add(AgentOutcome.timedOut(agent, "not asked: the deadline passed in an earlier stage",
                        state.stageOf(agent)));
            }
        }
        long took = Duration.between(state.requestedAt(), now).toMillis();
        AgentTaskCompleted result = AgentTaskCompleted.of(state.taskId(), state.conversationId(), state.replyTo(),
                state.replyPartition(), settings.answerCaps().withinTotal(outcomes), took);
        forward(state.taskId(), result, now, spans.task(state));
        beingPlanned.remove(state.taskId());
        save(state.closed(TaskState.Status.COMPLETED, now));
        spans.closed(state, result.partial() ? "partial" : "complete");
        metrics.completed(result, Duration.ofMillis(took));
        log.info("Published {} result for taskId={} conversationId={} in {} ms", result.partial() ? "a partial"
                : "a complete", state.taskId(), state.conversationId(), took);
    }

    /** A record this task causes, carrying the context of the span it belongs to (the task's or a stage's). */
    private void forward(String key, Event event, Instant now, TraceContext trace) {
        Headers headers = new RecordHeaders();
        spans.write(trace, headers);
        context().forward(new Record<>(key, event, now.toEpochMilli(), headers));
    }
}
