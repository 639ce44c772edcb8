package dev.agentmesh.manager.registry;

import dev.agentmesh.events.AgentCard;
import dev.agentmesh.events.AgentRegistered;
import dev.agentmesh.events.AgentSkill;
import dev.agentmesh.events.Topics;

import java.util.List;

/** An agent the registry has heard from recently, with the card it announced. */
public record LiveAgent(AgentCard card, String requestTopic) {

    public static LiveAgent of(AgentRegistered registered) {
        return new LiveAgent(registered.card(), registered.requestTopic());
    }

    /** An agent with a card of the given skills, for tests and tools; its request topic is the default one. */
    public static LiveAgent of(String name, String description, List<AgentSkill> skills) {
        return new LiveAgent(new AgentCard(name, description, null, List.of(AgentSkill.TEXT_MODE),
                List.of(AgentSkill.TEXT_MODE), skills), Topics.requestsFor(name));
    }

    public String name() {
        return card.name();
    }

    public String description() {
        return card.description();
    }
}
