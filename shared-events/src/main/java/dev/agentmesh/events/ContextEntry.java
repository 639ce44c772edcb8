package dev.agentmesh.events;

/**
 * One piece of conversation context sent with a task: a recent user or assistant turn, or an earlier
 * agent result of the same session.
 *
 * @param role {@code user}, {@code assistant} or {@code agent}
 * @param text what was said or answered
 */
public record ContextEntry(String role, String text) {

    public ContextEntry {
        Require.text(role, "role");
        text = text == null ? "" : text;
    }
}
