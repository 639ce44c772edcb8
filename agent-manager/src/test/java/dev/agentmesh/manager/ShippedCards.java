package dev.agentmesh.manager;

import dev.agentmesh.manager.registry.LiveAgent;
import dev.agentmesh.sdk.AgentCardFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The cards the agent modules of this repository ship ({@code <module>/src/main/resources/agent-cards/*.json}),
 * read the way the SDK reads them, so manager tests plan with what the real agents announce.
 */
public final class ShippedCards {

    private static Map<String, AgentCardFile> cards;

    private ShippedCards() {
    }

    public static synchronized Map<String, AgentCardFile> all() {
        if (cards == null) {
            cards = read();
        }
        return cards;
    }

    public static AgentCardFile of(String agent) {
        AgentCardFile card = all().get(agent);
        if (card == null) {
            throw new IllegalArgumentException("no agent module ships a card for " + agent);
        }
        return card;
    }

    public static List<LiveAgent> liveAgents() {
        return all().entrySet().stream()
                .map(entry -> LiveAgent.of(entry.getKey(), entry.getValue().description(), entry.getValue().skills()))
                .toList();
    }

    /** The repository's folder, found above the working directory. */
    public static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("agent-manager")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("the repository is not above " + Path.of("").toAbsolutePath());
    }

    private static Map<String, AgentCardFile> read() {
        Map<String, AgentCardFile> found = new LinkedHashMap<>();
        try (Stream<Path> modules = Files.list(root())) {
            for (Path module : modules.sorted().toList()) {
                Path folder = module.resolve("src/main/resources/agent-cards");
                if (!Files.isDirectory(folder)) {
                    continue;
                }
                try (Stream<Path> files = Files.list(folder)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                        try (InputStream in = Files.newInputStream(file)) {
                            found.put(file.getFileName().toString().replace(".json", ""),
                                    AgentCardFile.read(in, file.toString()));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }
}
