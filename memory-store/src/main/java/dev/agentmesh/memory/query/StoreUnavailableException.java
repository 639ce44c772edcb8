package dev.agentmesh.memory.query;

/** The store cannot answer for a key right now (restoring, rebalancing, owner unreachable): the caller retries. */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message) {
        super(message);
    }

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
