package dev.agentmesh.cli.agents;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The agent view for a terminal. */
public final class AgentsText {

    private AgentsText() {
    }

    public static void print(List<AgentStatus> agents, Clock clock, PrintStream out) {
        if (agents.isEmpty()) {
            out.println("No agent has announced itself in agent-registry.");
            return;
        }
        Instant now = clock.instant();
        out.printf("%-12s %-5s %-16s %-9s %-14s %s%n", "agent", "live", "version", "instances", "last heartbeat",
                "lag (group: records behind)");
        for (AgentStatus agent : agents) {
            long live = agent.instances().stream().filter(AgentStatus.Instance::live).count();
            out.printf("%-12s %-5s %-16s %-9s %-14s %s%n", agent.agent(), agent.live() ? "yes" : "no",
                    agent.version() == null ? "-" : agent.version(), live + "/" + agent.instances().size(),
                    ago(agent.lastHeartbeat(), now), lags(agent.groups()));
            for (AgentStatus.Instance instance : agent.instances()) {
                out.printf("  %-30s %-16s %-5s %s%n", instance.instanceId(), instance.version(),
                        instance.live() ? "live" : "gone", ago(instance.lastHeartbeat(), now));
            }
        }
    }

    static String ago(Instant at, Instant now) {
        Duration age = Duration.between(at, now);
        if (age.isNegative()) {
            return "just now";
        }
        long seconds = age.toSeconds();
        return seconds < 120 ? seconds + " s ago" : seconds < 7200 ? seconds / 60 + " min ago" : seconds / 3600 + " h ago";
    }

    private static String lags(List<AgentStatus.GroupLag> groups) {
        if (groups.isEmpty()) {
            return "no group has committed on its request topic";
        }
        StringBuilder text = new StringBuilder();
        for (AgentStatus.GroupLag group : groups) {
            if (!text.isEmpty()) {
                text.append("; ");
            }
            text.append(group.groupId()).append(": ").append(group.lag()).append(" (").append(group.state())
                    .append(", ").append(group.members()).append(" member").append(group.members() == 1 ? "" : "s");
            if (group.uncommitted() > 0) {
                text.append(", ").append(group.uncommitted()).append(" of ").append(group.partitions())
                        .append(" partitions not committed");
            }
            text.append(')');
        }
        return text.toString();
    }
}
