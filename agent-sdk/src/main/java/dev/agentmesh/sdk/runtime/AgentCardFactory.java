package dev.agentmesh.sdk.runtime;

import dev.agentmesh.events.AgentCard;
import dev.agentmesh.events.AgentSkill;
import dev.agentmesh.sdk.Agent;
import dev.agentmesh.sdk.AgentCardFile;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds the card an agent announces from the agent bean (name, description, skills) and the SDK's properties
 * (version). Checks it once at start, so a card that readers could not use stops the service with a clear message.
 */
final class AgentCardFactory {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");
    private static final List<String> TEXT = List.of(AgentSkill.TEXT_MODE);

    private AgentCardFactory() {
    }

    static AgentCard cardOf(Agent agent, AgentProperties properties) {
        return cardOf(agent, properties, "unknown");
    }

    /** The card; its version is {@code agent.version} when set, else {@code buildVersion} (the jar's). */
    static AgentCard cardOf(Agent agent, AgentProperties properties, String buildVersion) {
        String name = agent.name();
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalStateException("Agent name '" + name + "' must be lower-case letters, digits and "
                    + "dashes: it names the request topic");
        }
        String description = agent.description();
        if (description == null || description.isBlank()) {
            throw new IllegalStateException("Agent '" + name + "' has no description: put one in "
                    + AgentCardFile.location(name) + " or override description()");
        }
        List<AgentSkill> skills = agent.skills();
        if (skills == null || skills.isEmpty()) {
            skills = List.of(new AgentSkill(name, name, description, List.of(), List.of(), TEXT, TEXT));
        }
        Set<String> ids = new HashSet<>();
        for (AgentSkill skill : skills) {
            if (!ids.add(skill.id())) {
                throw new IllegalStateException("Agent '" + name + "' declares skill '" + skill.id() + "' twice");
            }
        }
        String version = properties.version() == null || properties.version().isBlank() ? buildVersion
                : properties.version();
        return new AgentCard(name, description, version, TEXT, TEXT, skills);
    }
}
