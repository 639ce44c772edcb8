package dev.agentmesh.manager.aggregation;

import dev.agentmesh.events.SubtaskRequested;
import dev.agentmesh.manager.planning.Plan;
import dev.agentmesh.manager.planning.PlanningStage;
import io.micrometer.tracing.TraceContext;

import java.time.Instant;
import java.util.List;

/**
 * Stage 1's subtasks of one task, for the planning stage to send with the plan: what {@link TaskAggregator} would
 * send on reading the plan, with the stage deadline it derives from the plan's timestamp. None once the task was
 * cancelled while it was being planned. The planning thread may use it: the task is immutable, the flag volatile.
 */
final class FirstStageSubtasks implements PlanningStage.FirstStage {

    private final TaskState task;
    private final AggregationSettings settings;
    private final TraceContext stage;
    private volatile boolean cancelled;

    FirstStageSubtasks(TaskState task, AggregationSettings settings, TraceContext stage) {
        this.task = task;
        this.settings = settings;
        this.stage = stage;
    }

    /** The task was cancelled before its plan came back: nobody needs to be asked. */
    void cancel() {
        cancelled = true;
    }

    @Override
    public List<SubtaskRequested> subtasks(Plan plan, Instant plannedAt) {
        if (cancelled) {
            return List.of();
        }
        TaskState planned = task.planned(plan.stages());
        Instant until = planned.stageDeadlineFrom(1, plannedAt, settings.stageOneShare());
        return planned.agentsInStage(1).stream()
                .map(agent -> planned.subtaskFor(agent, 1, until, List.of()))
                .toList();
    }

    @Override
    public TraceContext trace() {
        return stage;
    }
}
