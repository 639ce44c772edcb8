package dev.agentmesh.gateway.tasks;

import dev.agentmesh.events.AgentCard;
import dev.agentmesh.events.AgentSkill;

import java.util.List;

/**
 * An agent that announced itself recently enough to be asked, with the parts of its card the gateway shows: on the
 * status page and in the {@code ask_agents} tool description.
 *
 * @param skills each skill's id, name, description and examples, as the agent's card has them
 */
public record LiveAgent(String name, String description, String version, List<Skill> skills) {

    public record Skill(String id, String name, String description, List<String> examples) {
    }

    static LiveAgent of(AgentCard card) {
        return new LiveAgent(card.name(), card.description(), card.version(),
                card.skills().stream().map(LiveAgent::skill).toList());
    }

    private static Skill skill(AgentSkill skill) {
        return new Skill(skill.id(), skill.name(), skill.description(), skill.examples());
    }
}
