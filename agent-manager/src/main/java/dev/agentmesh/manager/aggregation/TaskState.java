package dev.agentmesh.manager.aggregation;

import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.AgentTaskRequested;
import dev.agentmesh.events.ContextEntry;
import dev.agentmesh.events.PriorAnswer;
import dev.agentmesh.events.SubtaskRequested;
import dev.agentmesh.events.UserContext;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the manager knows about one task, kept in a Kafka Streams store whose changelog lets another instance
 * take the task over. Immutable: every change returns a new state.
 *
 * @param stage the stage running now, 1-based
 * @param stageDeadline when the running stage gives up on its missing agents
 * @param outcomes per agent, in the order they arrived
 * @param closedAt when the result was published or the task cancelled; null while open
 * @param user what the user's profile says, from the task, for every subtask; null when unknown
 * @param trace the trace context the request's record carried (header name to value), so an instance that takes
 *              the task over continues the same trace; null when it carried none
 * @param replyPartition the partition of agent-results the task's gateway reads; null when the task named none
 */
record TaskState(String taskId, String conversationId, String request, List<ContextEntry> context, String replyTo,
                 Instant requestedAt, Instant deadline, List<List<String>> stages, int stage, Instant stageDeadline,
                 Map<String, AgentOutcome> outcomes, Status status, Instant closedAt, UserContext user,
                 Map<String, String> trace, Integer replyPartition) {

    /** PLANNING until the plan comes back from the planning stage, then OPEN until the result is published. */
    enum Status { PLANNING, OPEN, COMPLETED, CANCELLED }

    TaskState {
        context = context == null ? List.of() : List.copyOf(context);
        stages = stages.stream().map(List::copyOf).toList();
        outcomes = outcomes == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outcomes));
        trace = trace == null || trace.isEmpty() ? null : Map.copyOf(trace);
    }

    /** Waiting for its plan; the deadline applies already. */
    static TaskState planning(AgentTaskRequested request, Instant now, Instant deadline, Map<String, String> trace) {
        return new TaskState(request.taskId(), request.conversationId(), request.request(), request.context(),
                request.replyTo(), now, deadline, List.of(), 0, deadline, Map.of(), Status.PLANNING, null, request.user(),
                trace, request.replyPartition());
    }

    boolean isPlanning() {
        return status == Status.PLANNING;
    }

    /**
     * The plan came back. Replies that arrived before it (the planning stage sends stage 1's subtasks right after
     * the plan, so an agent can answer before the plan is read back) are kept for the agents the plan has in
     * stage 1, where they belong; any other is dropped.
     */
    TaskState planned(List<List<String>> plannedStages) {
        List<String> first = plannedStages.isEmpty() ? List.of() : plannedStages.getFirst();
        Map<String, AgentOutcome> kept = new LinkedHashMap<>();
        outcomes.forEach((agent, outcome) -> {
            if (first.contains(agent)) {
                kept.put(agent, new AgentOutcome(agent, outcome.status(), outcome.answer(), outcome.reason(),
                        outcome.durationMs(), 1, outcome.truncated()));
            }
        });
        return new TaskState(taskId, conversationId, request, context, replyTo, requestedAt, deadline, plannedStages,
                0, stageDeadline, kept, Status.OPEN, closedAt, user, trace, replyPartition);
    }

    /**
     * When stage {@code number}, started at {@code from}, gives up on its missing agents: the last stage at the
     * task's deadline, an earlier one after {@code share}% of the time left.
     */
    Instant stageDeadlineFrom(int number, Instant from, int share) {
        if (number >= stages.size()) {
            return deadline;
        }
        return from.plus(java.time.Duration.between(from, deadline).multipliedBy(share).dividedBy(100));
    }

    /** What one agent of stage {@code number} is asked. */
    SubtaskRequested subtaskFor(String agent, int number, Instant until, List<PriorAnswer> prior) {
        return SubtaskRequested.of(taskId, conversationId, agent, request, context, prior, number, until, user);
    }

    static TaskState cancelledBeforeRequest(String taskId, String conversationId, Instant now) {
        return new TaskState(taskId, conversationId, "", List.of(), null, now, now, List.of(), 0, now, Map.of(),
                Status.CANCELLED, now, null, null, null);
    }

    /** Not finished: planning or waiting for agents. */
    boolean isOpen() {
        return status == Status.OPEN || status == Status.PLANNING;
    }

    List<String> agentsInStage(int number) {
        return number >= 1 && number <= stages.size() ? stages.get(number - 1) : List.of();
    }

    boolean hasNextStage() {
        return stage < stages.size();
    }

    boolean planned(String agent) {
        return stages.stream().anyMatch(names -> names.contains(agent));
    }

    int stageOf(String agent) {
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i).contains(agent)) {
                return i + 1;
            }
        }
        return 0;
    }

    boolean stageComplete() {
        return agentsInStage(stage).stream().allMatch(outcomes::containsKey);
    }

    List<String> missingInStage() {
        return agentsInStage(stage).stream().filter(agent -> !outcomes.containsKey(agent)).toList();
    }

    /** The answers so far, for later-stage agents. */
    List<PriorAnswer> priorAnswers() {
        return outcomes.values().stream()
                .filter(outcome -> outcome.status() == AgentOutcome.Status.ANSWERED)
                .map(outcome -> new PriorAnswer(outcome.agent(), outcome.answer()))
                .toList();
    }

    /** Outcomes in plan order. */
    List<AgentOutcome> outcomesInPlanOrder() {
        return stages.stream().flatMap(List::stream).map(outcomes::get).filter(java.util.Objects::nonNull).toList();
    }

    TaskState withStage(int number, Instant until) {
        return new TaskState(taskId, conversationId, request, context, replyTo, requestedAt, deadline, stages, number,
                until, outcomes, status, closedAt, user, trace, replyPartition);
    }

    TaskState withOutcome(AgentOutcome outcome) {
        Map<String, AgentOutcome> next = new LinkedHashMap<>(outcomes);
        next.put(outcome.agent(), outcome);
        return new TaskState(taskId, conversationId, request, context, replyTo, requestedAt, deadline, stages, stage,
                stageDeadline, next, status, closedAt, user, trace, replyPartition);
    }

    TaskState closed(Status closing, Instant now) {
        return new TaskState(taskId, conversationId, request, context, replyTo, requestedAt, deadline, stages, stage,
                stageDeadline, outcomes, closing, now, user, trace, replyPartition);
    }
}
