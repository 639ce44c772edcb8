package dev.agentmesh.events;

/** A record that is not a valid event: malformed JSON, an unknown type or a missing required field. */
public class InvalidEventException extends RuntimeException {

    public InvalidEventException(String message) {
        super(message);
    }

    public InvalidEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
