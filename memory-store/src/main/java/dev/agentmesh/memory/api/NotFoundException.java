package dev.agentmesh.memory.api;

/** 404: the user has no such conversation (another user's conversation included). */
class NotFoundException extends RuntimeException {

    NotFoundException(String message) {
        super(message);
    }
}
