package dev.agentmesh.manager.registry;

/** An agent the registry has heard from recently. */
public record LiveAgent(String name, String description, String requestTopic) {
}
