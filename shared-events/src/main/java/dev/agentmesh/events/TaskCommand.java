package dev.agentmesh.events;

/** What travels on {@link Topics#AGENT_TASKS}. */
public sealed interface TaskCommand extends TaskScoped permits AgentTaskRequested, AgentTaskCancelled {
}
