package dev.agentmesh.memory;

/** A request the API refuses with 400; the message says what is wrong and never quotes stored content. */
public class InvalidRequestException extends RuntimeException {

    public InvalidRequestException(String message) {
        super(message);
    }
}
