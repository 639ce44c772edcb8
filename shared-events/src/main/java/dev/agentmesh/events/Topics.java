package dev.agentmesh.events;

/** Every topic name, declared once. */
public final class Topics {

    /** Gateway to manager: {@link TaskCommand}s, keyed by task id. */
    public static final String AGENT_TASKS = "agent-tasks";

    /** Agents to manager: {@link AgentReply}s, keyed by task id. */
    public static final String AGENT_REPLIES = "agent-replies";

    /** Manager to gateways: {@link AgentTaskCompleted}, keyed by task id. */
    public static final String AGENT_RESULTS = "agent-results";

    /** Compacted: {@link AgentRegistered} heartbeats, keyed by agent name. */
    public static final String AGENT_REGISTRY = "agent-registry";

    /** Audit log of turns, plans and results: {@link ConversationEvent}s, keyed by conversation id. */
    public static final String CONVERSATION_EVENTS = "conversation-events";

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
