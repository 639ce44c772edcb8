package dev.agentmesh.events;

/** An answer from an earlier stage, given to a later-stage agent as context. */
public record PriorAnswer(String agent, String answer) {

    public PriorAnswer {
        Require.text(agent, "agent");
        answer = answer == null ? "" : answer;
    }
}
