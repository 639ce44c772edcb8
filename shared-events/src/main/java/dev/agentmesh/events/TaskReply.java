package dev.agentmesh.events;

/**
 * What travels on {@link Topics#AGENT_RESULTS}: a task's plan and its result, on the partition its request named
 * ({@link AgentTaskRequested#replyPartition()}), which only the gateway instance that holds the session reads.
 */
public sealed interface TaskReply extends TaskScoped permits AgentTaskCompleted, TaskPlanned {

    /** The gateway instance the reply is for, as its request named it. */
    String replyTo();

    /** The partition the reply was addressed to; null when its request named none. */
    Integer replyPartition();
}
