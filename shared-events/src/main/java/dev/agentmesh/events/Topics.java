package dev.agentmesh.events;

import java.util.List;

/** Every topic name, and how each topic is declared ({@link #declared()}), once. */
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

    /**
     * How a topic is declared: what a service's KafkaAdmin creates it with where the broker lets it, and what its
     * KafkaTopic in k8s/ must match (deploy-verification checks every one).
     *
     * @param partitions null: the declaring service's {@code mesh.kafka.partitions}; else exactly this many
     * @param compacted {@code cleanup.policy=compact}
     */
    public record Declaration(String name, Integer partitions, boolean compacted) {

        public Declaration {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a topic needs a name");
            }
            if (partitions != null && partitions < 1) {
                throw new IllegalArgumentException(name + ": partitions must be 1 or more, was " + partitions);
            }
        }
    }

    /**
     * Every topic the services declare, once (an agent's request topic and its dead letter follow from its name:
     * {@link #declaration(String)}). Retention and compaction lag of conversation-events and user-profiles are the
     * memory store's settings, applied on top.
     */
    private static final List<Declaration> DECLARED = List.of(
            mesh(AGENT_TASKS), mesh(deadLetterFor(AGENT_TASKS)),
            mesh(AGENT_REPLIES), mesh(deadLetterFor(AGENT_REPLIES)),
            mesh(AGENT_PLANS), mesh(deadLetterFor(AGENT_PLANS)),
            mesh(AGENT_RESULTS),
            mesh(CONVERSATION_EVENTS), mesh(deadLetterFor(CONVERSATION_EVENTS)),
            new Declaration(AGENT_REGISTRY, 1, true), mesh(deadLetterFor(AGENT_REGISTRY)),
            new Declaration(USER_PROFILES, null, true),
            mesh(MEMORY_COMMANDS), mesh(deadLetterFor(MEMORY_COMMANDS)));

    private Topics() {
    }

    /** Every declared topic but the agents' request topics. */
    public static List<Declaration> declared() {
        return DECLARED;
    }

    /** How {@code topic} is declared; an agent's request topic or its dead letter is declared by its name. */
    public static Declaration declaration(String topic) {
        for (Declaration declaration : DECLARED) {
            if (declaration.name().equals(topic)) {
                return declaration;
            }
        }
        String base = topic.endsWith(DEAD_LETTER_SUFFIX)
                ? topic.substring(0, topic.length() - DEAD_LETTER_SUFFIX.length()) : topic;
        if (base.endsWith(REQUESTS_SUFFIX) && base.length() > REQUESTS_SUFFIX.length()) {
            return mesh(topic);
        }
        throw new IllegalArgumentException("topic " + topic + " is not declared in Topics");
    }

    private static Declaration mesh(String name) {
        return new Declaration(name, null, false);
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
