package dev.agentmesh.benchmarks;

import dev.agentmesh.gateway.GatewayApplication;
import dev.agentmesh.manager.AgentManagerApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the real services in this JVM, each in its own Spring context with its own module's application.yml
 * (as MeshUnderTest does in the gateway's end-to-end test), so they run the code and settings they ship with.
 */
final class Services {

    static final int MAX_SESSIONS_FROM_LOAD_GENERATOR = 10_000;
    static final int CONNECTS_PER_MINUTE_FROM_LOAD_GENERATOR = 100_000;

    private final java.util.concurrent.atomic.AtomicInteger managers = new java.util.concurrent.atomic.AtomicInteger();
    private final Path root;
    private final String bootstrapServers;

    Services(Path root, String bootstrapServers) {
        this.root = root;
        this.bootstrapServers = bootstrapServers;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * The manager, with a fresh application id each time, so every run starts with an empty task store (the
     * store keeps closed tasks for {@code manager.closed-retention}, and its size matters; see RESULTS.md), reading
     * its input topics from their end instead of replaying earlier runs' tasks.
     */
    ConfigurableApplicationContext manager(List<String> extra) {
        List<String> properties = new ArrayList<>(List.of(
                "spring.kafka.streams.state-dir=" + tempDir("manager-state"),
                "spring.kafka.streams.application-id=agent-manager-bench-" + managers.incrementAndGet(),
                "spring.kafka.streams.properties.auto.offset.reset=latest"));
        properties.addAll(extra);
        return start(AgentManagerApplication.class, "agent-manager", properties);
    }

    /** The gateway relaying to {@code upstreamUrl}; {@code extra} are further properties (empty: as shipped). */
    ConfigurableApplicationContext gateway(String upstreamUrl, List<String> extra) {
        List<String> properties = new ArrayList<>(List.of(
                "gateway.instance-id=gateway-bench-" + java.util.UUID.randomUUID(),
                "gateway.upstream.url=" + upstreamUrl,
                "gateway.upstream.api-key=sk-bench-key",
                // Every benchmark session comes from 127.0.0.1, which the per-client cap would otherwise limit.
                "gateway.access.max-sessions-per-client=" + MAX_SESSIONS_FROM_LOAD_GENERATOR,
                "gateway.limits.connects-per-minute=" + CONNECTS_PER_MINUTE_FROM_LOAD_GENERATOR,
                // In this one JVM the process CPU the capacity guard reads is the load generator's, the upstream's and
                // the broker's too: after the direct row had the JVM at 1.9 cores, the guard refused every session of
                // the gateway row. The relay benchmark (its own process, `run.sh --relay`) keeps the guard as shipped.
                "gateway.capacity.max-cpu=1.0"));
        properties.addAll(extra);
        return start(GatewayApplication.class, "gateway", properties);
    }

    static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port", "0"));
    }

    private ConfigurableApplicationContext start(Class<?> application, String module, List<String> extra) {
        Path config = root.resolve(module).resolve("src/main/resources/application.yml");
        if (!Files.isRegularFile(config)) {
            throw new IllegalStateException("no " + config + "; run from the repository root (benchmarks/run.sh does)");
        }
        List<String> arguments = new ArrayList<>(List.of(
                "--spring.config.location=file:" + config,
                "--spring.kafka.bootstrap-servers=" + bootstrapServers,
                "--server.port=0",
                "--spring.main.banner-mode=off",
                "--spring.main.log-startup-info=false"));
        extra.forEach(property -> arguments.add("--" + property));
        return new SpringApplicationBuilder(application).run(arguments.toArray(String[]::new));
    }

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
