package dev.agentmesh.manager.planning;

import dev.agentmesh.events.ContextEntry;
import dev.agentmesh.manager.registry.LiveAgent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** Asks the preferred planner and, when it fails, the fallback: a task is never left unplanned. */
final class FallbackPlanner implements Planner {

    private static final Logger log = LoggerFactory.getLogger(FallbackPlanner.class);

    private final Planner preferred;
    private final Planner fallback;

    FallbackPlanner(Planner preferred, Planner fallback) {
        this.preferred = preferred;
        this.fallback = fallback;
    }

    @Override
    public Plan plan(String request, List<ContextEntry> context, List<LiveAgent> agents) {
        try {
            return preferred.plan(request, context, agents);
        } catch (RuntimeException e) {
            log.warn("Planning model failed, planning locally instead: {}", e.getMessage());
            return fallback.plan(request, context, agents);
        }
    }
}
