package dev.agentmesh.manager.planning;

import java.util.List;

/**
 * Which agents answer a task, in which stages. Stage 1 runs in parallel; stage 2 agents get stage 1's answers.
 *
 * @param planner {@code llm} or {@code local}
 * @param rationale a short reason, for logs and the conversation log
 */
public record Plan(List<List<String>> stages, String planner, String rationale) {

    public Plan {
        stages = stages.stream().filter(stage -> !stage.isEmpty()).map(List::copyOf).toList();
    }

    /** Every planned agent, stage 1 first. */
    public List<String> agents() {
        return stages.stream().flatMap(List::stream).toList();
    }
}
