package dev.agentmesh.gateway.tasks;

/** An agent that announced itself recently enough to be asked. */
public record LiveAgent(String name, String description) {
}
