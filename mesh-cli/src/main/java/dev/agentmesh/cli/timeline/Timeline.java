package dev.agentmesh.cli.timeline;

import java.time.Instant;
import java.util.List;

/**
 * What the audit log and the task topics say about one task, or every task of one conversation: a summary per task
 * and the entries in the order they happened.
 *
 * @param id what was asked for
 * @param kind {@code task} or {@code conversation}
 * @param undecodable records of the id that could not be read as events and are left out
 */
public record Timeline(String id, String kind, String conversationId, List<TaskSummary> tasks, List<Entry> entries,
                       int undecodable) {

    /**
     * One thing that happened.
     *
     * @param at when its writer says it happened ({@code occurredAt})
     * @param sinceStartMs milliseconds after the first entry of the timeline
     * @param what {@code user}, {@code assistant}, {@code delegated}, {@code requested}, {@code planned},
     *             {@code asked}, {@code answered}, {@code failed}, {@code result}, {@code cancelled},
     *             {@code result-delivered}
     * @param agent the agent it concerns, or null
     * @param durationMs the time it reports (an agent's reply, the whole task), or null
     * @param detail one line for people
     */
    public record Entry(Instant at, long sinceStartMs, String taskId, String what, String agent, Long durationMs,
                        String detail, String topic, int partition, long offset) {
    }

    /**
     * @param outcome {@code complete}, {@code partial}, {@code cancelled} or {@code waiting} (no result yet)
     * @param durationMs from the request to the result, as the manager measured it; null without a result
     */
    public record TaskSummary(String taskId, String conversationId, Instant requestedAt, String request,
                              Instant deadline, String planner, List<List<String>> stages, String rationale,
                              String outcome, Long durationMs, String cancelReason, List<AgentLine> agents) {
    }

    /**
     * One planned agent's part in a task.
     *
     * @param status {@code answered}, {@code failed}, {@code timed_out}, or {@code waiting} while no reply or result
     *               says otherwise
     * @param durationMs how long the agent took, as it measured it; null when it did not reply
     * @param askedAt when the manager sent its subtask; null when that record is not (or no longer) on its topic
     * @param repliedAt when its reply was written; null without a reply
     */
    public record AgentLine(String agent, int stage, String status, Long durationMs, Instant askedAt,
                            Instant repliedAt, String text) {
    }
}
