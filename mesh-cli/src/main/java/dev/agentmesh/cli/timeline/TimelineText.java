package dev.agentmesh.cli.timeline;

import java.io.PrintStream;
import java.util.List;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** A {@link Timeline} for a terminal. */
public final class TimelineText {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);

    private TimelineText() {
    }

    public static void print(Timeline timeline, PrintStream out) {
        out.println(("task".equals(timeline.kind()) ? "Task " + timeline.id() + " in conversation "
                : "Conversation ") + timeline.conversationId() + ": " + timeline.tasks().size() + " delegated task"
                + (timeline.tasks().size() == 1 ? "" : "s"));
        for (Timeline.TaskSummary task : timeline.tasks()) {
            out.println();
            out.println("task " + task.taskId() + ": " + task.outcome()
                    + (task.durationMs() == null ? "" : " in " + task.durationMs() + " ms")
                    + (task.cancelReason() == null ? "" : " (cancelled: " + task.cancelReason() + ")"));
            if (task.request() != null) {
                out.println("  request: " + task.request());
            }
            if (task.planner() != null) {
                out.println("  plan (" + task.planner() + "): " + TimelineReader.stagesOf(task.stages()));
            }
            if (!task.agents().isEmpty()) {
                out.printf("  %-12s %-5s %-10s %9s  %s%n", "agent", "stage", "status", "took", "answer or reason");
                for (Timeline.AgentLine agent : task.agents()) {
                    out.printf("  %-12s %-5d %-10s %9s  %s%n", agent.agent(), agent.stage(), agent.status(),
                            agent.durationMs() == null ? "-" : agent.durationMs() + " ms",
                            agent.text() == null ? "" : agent.text());
                }
            }
        }
        out.println();
        out.printf("%-9s %-23s %-16s %-10s %-34s %s%n", "+ms", "at (UTC)", "what", "agent", "record", "detail");
        for (Timeline.Entry entry : timeline.entries()) {
            out.printf("%-9s %-23s %-16s %-10s %-34s %s%n", "+" + entry.sinceStartMs(), TIME.format(entry.at()),
                    entry.what(), entry.agent() == null ? "" : entry.agent(),
                    entry.topic() + "-" + entry.partition() + "@" + entry.offset(),
                    (entry.durationMs() == null ? "" : entry.durationMs() + " ms; ") + entry.detail());
        }
        if (timeline.undecodable() > 0) {
            out.println();
            out.println(timeline.undecodable() + " record(s) with this key could not be read as events and are left out"
                    + " (see mesh dlt list for what the services dead-lettered)");
        }
    }

    public static void printTasks(List<RecentTasks.TaskLine> tasks, String since, PrintStream out) {
        if (tasks.isEmpty()) {
            out.println("No task requested on agent-tasks since " + since + ".");
            return;
        }
        out.printf("%-23s %-36s %-9s %9s  %-32s %s%n", "requested (UTC)", "task", "outcome", "took", "agents",
                "request");
        for (RecentTasks.TaskLine task : tasks) {
            out.printf("%-23s %-36s %-9s %9s  %-32s %s%n", TIME.format(task.requestedAt()), task.taskId(),
                    task.outcome(), task.durationMs() == null ? "-" : task.durationMs() + " ms",
                    String.join(", ", task.agents()), task.request());
        }
        out.println(tasks.size() + " task" + (tasks.size() == 1 ? "" : "s") + " since " + since
                + "; mesh timeline <task> shows one");
    }
}
