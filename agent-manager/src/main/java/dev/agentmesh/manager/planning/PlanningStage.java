package dev.agentmesh.manager.planning;

import dev.agentmesh.events.ContextEntry;
import io.micrometer.tracing.TraceContext;

import java.time.Instant;
import java.util.List;

/**
 * Plans tasks off the aggregation's stream thread: {@link #submit} returns at once, and the plan arrives later as
 * a {@code TaskPlanned} on {@code agent-plans}, keyed by task id, which the aggregation reads like any other input.
 * A slow planning model therefore delays only its own task, never the deadlines and results of the others.
 */
public interface PlanningStage {

    /**
     * @param deadline the task's deadline; planning gives up on the preferred planner in time to leave the agents
     *                 their share of what remains
     * @param trace the task's span, parent of the planning span and of the plan's record; null: none
     */
    record Request(String taskId, String conversationId, String request, List<ContextEntry> context,
                   Instant deadline, TraceContext trace) {
    }

    void submit(Request request);
}
