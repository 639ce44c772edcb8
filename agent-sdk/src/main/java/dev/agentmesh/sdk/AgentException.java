package dev.agentmesh.sdk;

/**
 * The agent cannot answer, for a reason a person can read ("the weather service is unreachable"). The SDK
 * replies with a failure that carries this message. Never put secrets in it.
 */
public class AgentException extends Exception {

    public AgentException(String reason) {
        super(reason);
    }

    public AgentException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
