package dev.agentmesh.memory.store;

/** The names of the memory store's state stores (each backed by a changelog topic {@code memory-store-<name>-changelog}). */
public final class MemoryStores {

    /** User id to {@link dev.agentmesh.memory.history.UserHistory}. */
    public static final String CONVERSATIONS = "conversations";

    /** User id to {@link dev.agentmesh.events.UserProfile}; the same values as the user-profiles topic. */
    public static final String PROFILES = "profiles";

    /** User id to the time (epoch ms) the user asked to be forgotten: older turns that arrive later are ignored. */
    public static final String FORGOTTEN = "forgotten";

    private MemoryStores() {
    }
}
