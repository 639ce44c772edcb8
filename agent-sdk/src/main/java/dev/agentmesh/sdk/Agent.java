package dev.agentmesh.sdk;

import dev.agentmesh.events.AgentSkill;

import java.util.List;

/**
 * An agent service is one bean implementing this interface. The SDK consumes {@code <name>-requests} in the
 * agent's own consumer group, calls {@link #handle} within the subtask's deadline, replies on
 * {@code agent-replies}, heartbeats into the registry, dead-letters poison records and records metrics.
 */
public interface Agent {

    /** Short, stable, lower-case name; also the request topic's prefix, for example {@code weather}. */
    String name();

    /**
     * What this agent can answer, in plain words: the card's description. By default the {@code description} of
     * the resource {@code agent-cards/<name>.json} in the agent's own module ({@link AgentCardFile}).
     */
    default String description() {
        return AgentCardFile.of(this).description();
    }

    /**
     * The card's skills, each with examples of requests it answers; the manager's planner learns from them, so the
     * examples belong with the agent. By default the {@code skills} of {@code agent-cards/<name>.json}; an agent
     * that declares none is announced with a single skill made of its description.
     */
    default List<AgentSkill> skills() {
        return AgentCardFile.of(this).skills();
    }

    /**
     * Answers one request. Runs on a virtual thread, up to {@code agent.max-in-flight} requests at once, so it
     * must be safe to call concurrently; the SDK stops waiting at the deadline and then sends no reply. Throw {@link AgentException} with a reason a person can read when the request cannot be
     * answered; any other exception becomes a failure with a generic reason.
     */
    String handle(AgentRequest request) throws Exception;
}
