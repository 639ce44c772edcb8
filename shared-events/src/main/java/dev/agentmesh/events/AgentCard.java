package dev.agentmesh.events;

import java.util.List;

/**
 * What an agent says about itself, aligned with the A2A Agent Card ({@code name}, {@code description},
 * {@code version}, {@code defaultInputModes}, {@code defaultOutputModes}, {@code skills}). It travels inside
 * {@link AgentRegistered}, which adds the mesh's own fields (request topic, instance, heartbeat); every reader (the
 * manager's planner, the gateway's tool description and status page) reads this one card.
 */
public record AgentCard(String name, String description, String version, List<String> defaultInputModes,
                        List<String> defaultOutputModes, List<AgentSkill> skills) {

    public AgentCard {
        Require.text(name, "name");
        Require.text(description, "description");
        defaultInputModes = Require.list(defaultInputModes);
        defaultOutputModes = Require.list(defaultOutputModes);
        skills = Require.list(skills);
    }

    /** True when one of the skills builds on other agents' answers. */
    public boolean buildsOnOtherAgents() {
        return skills.stream().anyMatch(AgentSkill::buildsOnOtherAgents);
    }
}
