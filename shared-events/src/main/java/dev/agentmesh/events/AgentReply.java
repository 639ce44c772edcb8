package dev.agentmesh.events;

/** What travels on {@link Topics#AGENT_REPLIES}: one agent's reply to one subtask. */
public sealed interface AgentReply extends TaskScoped permits SubtaskCompleted, SubtaskFailed {

    String agent();

    long durationMs();
}
