package dev.agentmesh.memory.profile;

import dev.agentmesh.events.ProfileField;

/**
 * A fact a user stated about themselves.
 *
 * @param value a {@code String}, a {@link dev.agentmesh.events.Units} or, for interests, a {@code List<String>}
 * @param sentence the sentence it was read from
 */
public record LearnedFact(ProfileField field, Object value, String sentence) {
}
