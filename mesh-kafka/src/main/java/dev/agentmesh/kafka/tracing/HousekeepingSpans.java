package dev.agentmesh.kafka.tracing;

import dev.agentmesh.events.Topics;
import io.micrometer.tracing.exporter.FinishedSpan;
import io.micrometer.tracing.exporter.SpanExportingPredicate;

/**
 * Keeps housekeeping out of the exported traces: registry heartbeats (sent every few seconds by every agent, and
 * received by the manager) and requests to {@code /actuator} (probes, Prometheus scrapes) would each be a trace of
 * their own and bury the delegated turns. Their metrics are unaffected.
 */
public final class HousekeepingSpans implements SpanExportingPredicate {

    private static final String REGISTRY = Topics.AGENT_REGISTRY + " ";

    @Override
    public boolean isExportable(FinishedSpan span) {
        String name = span.getName();
        if (name != null && name.startsWith(REGISTRY)) {
            return false;
        }
        String uri = span.getTags().get("uri");
        return uri == null || !uri.startsWith("/actuator");
    }
}
