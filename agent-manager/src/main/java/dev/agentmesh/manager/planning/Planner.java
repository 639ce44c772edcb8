package dev.agentmesh.manager.planning;

import dev.agentmesh.events.ContextEntry;
import dev.agentmesh.manager.registry.LiveAgent;

import java.util.List;

/** Decides which of the live agents answer a request, in which stages. */
public interface Planner {

    /**
     * @param agents the agents live in the registry right now; a plan names only these
     * @return a plan; never empty while {@code agents} is not empty
     */
    Plan plan(String request, List<ContextEntry> context, List<LiveAgent> agents);
}
