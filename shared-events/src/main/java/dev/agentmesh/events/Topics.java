package dev.agentmesh.events;

/** Every topic name, declared once. */
public final class Topics {

    /** Gateway to manager: {@link TaskCommand}s, keyed by task id. */
    public static final String AGENT_TASKS = "agent-tasks";

    /** Agents to manager: {@link AgentReply}s, keyed by task id. */
    public static final String AGENT_REPLIES = "agent-replies";

    /**
     * Manager to gateways: {@link TaskReply}s (a task's plan and its result), keyed by task id and written to the
     * partition the task named ({@link AgentTaskRequested#replyPartition()}): each gateway instance reads only its
     * own partition, so it needs at least as many partitions as there are gateway instances.
     */
    public static final String AGENT_RESULTS = "agent-results";

    /**
     * Manager to itself: {@link TaskPlanned}, keyed by task id and partitioned like agent-tasks. Planning runs off
     * the aggregation's stream thread and hands its plan back through this topic.
     */
    public static final String AGENT_PLANS = "agent-plans";

    /** Compacted: {@link AgentRegistered} heartbeats, keyed by agent name. */
    public static final String AGENT_REGISTRY = "agent-registry";

    /**
     * Audit log of turns, plans and results: {@link ConversationEvent}s, keyed by conversation id. Keeps raw turns
     * until its own retention ({@code retention.ms}), also those of users who asked to be forgotten.
     */
    public static final String CONVERSATION_EVENTS = "conversation-events";

    /** Compacted: the latest {@link UserProfile} per user, keyed by user id; a tombstone means forgotten. */
    public static final String USER_PROFILES = "user-profiles";

    /** To the memory store: {@link MemoryCommand}s (profile edits, forget me), keyed by user id. */
    public static final String MEMORY_COMMANDS = "memory-commands";

    private static final String REQUESTS_SUFFIX = "-requests";
    private static final String DEAD_LETTER_SUFFIX = "-dlt";

    private Topics() {
    }

    /** The topic an agent consumes its {@link SubtaskRequested}s from, for example {@code weather-requests}. */
    public static String requestsFor(String agent) {
        return agent + REQUESTS_SUFFIX;
    }

    /** Where records of {@code topic} that could not be processed go. */
    public static String deadLetterFor(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }
}
