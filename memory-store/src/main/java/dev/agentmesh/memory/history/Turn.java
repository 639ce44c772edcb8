package dev.agentmesh.memory.history;

import java.time.Instant;

/** One stored turn: who spoke ({@code user}, {@code assistant}, {@code tool-call}, {@code tool-result}), what, when. */
public record Turn(String role, String text, Instant at) {
}
