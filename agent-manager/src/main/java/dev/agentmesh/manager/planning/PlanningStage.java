package dev.agentmesh.manager.planning;

import dev.agentmesh.events.ContextEntry;
import dev.agentmesh.events.SubtaskRequested;
import io.micrometer.tracing.TraceContext;

import java.time.Instant;
import java.util.List;

/**
 * Plans tasks off the aggregation's stream thread: {@link #submit} returns at once, and the plan arrives later as
 * a {@code TaskPlanned} on {@code agent-plans}, keyed by task id, which the aggregation reads like any other input.
 * A slow planning model therefore delays only its own task, never the deadlines and results of the others.
 * <p>
 * Right after the plan, with no wait in between, the stage also sends the plan's first stage of subtasks, as the
 * request's {@link FirstStage} builds them: the agents start while the plan travels back to the aggregation,
 * instead of one Kafka hop later. Their replies may therefore reach the aggregation before the plan does.
 */
public interface PlanningStage {

    /**
     * @param deadline the task's deadline; planning gives up on the preferred planner in time to leave the agents
     *                 their share of what remains
     * @param trace the task's span, parent of the planning span and of the plan's record; null: none
     * @param firstStage the subtasks to send with the plan
     */
    record Request(String taskId, String conversationId, String request, List<ContextEntry> context,
                   Instant deadline, TraceContext trace, FirstStage firstStage) {
    }

    /** What a plan sets going at once, as the aggregation that runs the later stages wants it. */
    interface FirstStage {

        /**
         * @param plannedAt when the plan was made, to the millisecond; the plan's record carries it as its
         *                  timestamp, so the aggregation derives the same stage deadline from it
         */
        List<SubtaskRequested> subtasks(Plan plan, Instant plannedAt);

        /** The span the subtasks belong to (the first stage's); null: none. */
        TraceContext trace();
    }

    void submit(Request request);
}
