package dev.agentmesh.sdk;

/**
 * An agent service is one bean implementing this interface. The SDK consumes {@code <name>-requests} in the
 * agent's own consumer group, calls {@link #handle} within the subtask's deadline, replies on
 * {@code agent-replies}, heartbeats into the registry, dead-letters poison records and records metrics.
 */
public interface Agent {

    /** Short, stable, lower-case name; also the request topic's prefix, for example {@code weather}. */
    String name();

    /** What this agent can answer, in plain words. The manager's planner routes on it. */
    String description();

    /**
     * Answers one request. Runs on the listener's thread; the SDK stops waiting at the deadline and then sends
     * no reply. Throw {@link AgentException} with a reason a person can read when the request cannot be
     * answered; any other exception becomes a failure with a generic reason.
     */
    String handle(AgentRequest request) throws Exception;
}
