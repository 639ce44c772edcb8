package dev.agentmesh.sdk;

import dev.agentmesh.events.AgentSkill;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * An agent's card as its module ships it: the resource {@code agent-cards/<name>.json}, a JSON object with the
 * A2A card's {@code description} and {@code skills} (each {@code id}, {@code name}, {@code description},
 * {@code tags}, {@code examples}, {@code inputModes}, {@code outputModes}). A file that is invalid, or missing for an
 * agent that does not describe itself in code, fails the start with a message that says so.
 *
 * @param description null when the file has none (or there is no file)
 * @param skills empty when the file has none (or there is no file)
 */
public record AgentCardFile(String description, List<AgentSkill> skills) {

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    public AgentCardFile {
        skills = skills == null ? List.of() : List.copyOf(skills);
    }

    /** Where the SDK looks for an agent's card file on the class path. */
    public static String location(String agentName) {
        return "agent-cards/" + agentName + ".json";
    }

    /** The card file of this agent's module; an empty one when there is none. */
    public static AgentCardFile of(Agent agent) {
        String location = location(agent.name());
        ClassLoader loader = agent.getClass().getClassLoader();
        try (InputStream in = loader == null ? null : loader.getResourceAsStream(location)) {
            return in == null ? new AgentCardFile(null, List.of()) : read(in, location);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + location, e);
        }
    }

    /** Parses a card file; also for tools and tests that read cards the way the SDK does. */
    public static AgentCardFile read(InputStream in, String location) throws IOException {
        try {
            AgentCardFile file = JSON.readValue(in, AgentCardFile.class);
            return file == null ? new AgentCardFile(null, List.of()) : file;
        } catch (JacksonException e) {
            throw new IllegalStateException("The card file " + location + " is not valid: " + e.getOriginalMessage(),
                    e);
        }
    }
}
