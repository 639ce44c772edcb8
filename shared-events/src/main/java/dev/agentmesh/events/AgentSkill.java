package dev.agentmesh.events;

import java.util.List;

/**
 * One thing an agent can do, as in the A2A Agent Card's {@code AgentSkill}. The manager's planner learns from the
 * description and the examples; the gateway names the skills in its tool description.
 *
 * @param id stable identifier, unique within the agent ({@code current-weather})
 * @param name a short label for people
 * @param description what the skill answers, in plain words
 * @param tags keywords (A2A requires them; the mesh only shows them)
 * @param examples requests this skill answers, in the words users use; the more varied, the better the routing
 * @param inputModes media types the skill accepts; {@link #AGENT_ANSWERS_MODE} marks a skill that works on other
 *                   agents' answers, which the planner runs in a later stage
 * @param outputModes media types the skill answers in
 */
public record AgentSkill(String id, String name, String description, List<String> tags, List<String> examples,
                         List<String> inputModes, List<String> outputModes) {

    /** Plain text, the mode every agent of the mesh reads and writes. */
    public static final String TEXT_MODE = "text/plain";

    /**
     * The earlier stages' answers ({@code SubtaskRequested.priorAnswers}) as input: a skill that declares it builds on
     * what other agents found (relates, compares, explains, or creates something from it).
     */
    public static final String AGENT_ANSWERS_MODE = "application/vnd.agent-mesh.agent-answers+json";

    public AgentSkill {
        Require.text(id, "skill id");
        Require.text(name, "skill name");
        Require.text(description, "skill description");
        tags = Require.list(tags);
        examples = Require.list(examples);
        inputModes = Require.list(inputModes);
        outputModes = Require.list(outputModes);
    }

    /** True when the skill takes other agents' answers as input. */
    public boolean buildsOnOtherAgents() {
        return inputModes.contains(AGENT_ANSWERS_MODE);
    }
}
