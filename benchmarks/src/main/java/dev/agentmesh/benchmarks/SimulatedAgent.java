package dev.agentmesh.benchmarks;

import dev.agentmesh.events.AgentSkill;
import dev.agentmesh.sdk.Agent;
import dev.agentmesh.sdk.AgentRequest;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An agent whose work is a fixed simulated delay, or the one a request asks for ({@link #SLEEP}). {@link #start}
 * runs it as a real agent service (the SDK's runtime on the real broker, its own Spring context); {@link #handle}
 * is also what the in-process baselines call directly.
 */
final class SimulatedAgent implements Agent, AutoCloseable {

    /** A request {@code "sleep <ms>"} takes that long instead of the agent's delay. */
    static final String SLEEP = "sleep ";

    private final String name;
    private final String description;
    private final List<String> examples;
    private volatile Duration delay;
    private ConfigurableApplicationContext context;

    SimulatedAgent(String name, String description, Duration delay) {
        this(name, description, List.of(), delay);
    }

    /**
     * An agent with one skill made of {@code examples}, which the manager's local planner learns from: without
     * them it has only the description, and two agents of one subject split the planner's likelihood between them.
     */
    SimulatedAgent(String name, String description, List<String> examples, Duration delay) {
        this.name = name;
        this.description = description;
        this.examples = List.copyOf(examples);
        this.delay = delay;
    }

    /** Runs this agent as a service; {@code extra} are Spring properties (Kafka client settings under test). */
    SimulatedAgent start(String bootstrapServers, List<String> extra) {
        List<String> arguments = new ArrayList<>(List.of(
                "--spring.config.location=classpath:/simulated-agent.yml",
                "--spring.kafka.bootstrap-servers=" + bootstrapServers,
                "--spring.application.name=" + name + "-agent",
                "--spring.kafka.consumer.auto-offset-reset=earliest",
                "--agent.heartbeat-interval=1s",
                "--spring.main.banner-mode=off"));
        extra.forEach(property -> arguments.add("--" + property));
        SimulatedAgent self = this;
        context = new SpringApplicationBuilder(Config.class)
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("simulatedAgent", self))
                .web(WebApplicationType.NONE)
                .run(arguments.toArray(String[]::new));
        return this;
    }

    void delay(Duration delay) {
        this.delay = delay;
    }

    Duration delay() {
        return delay;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public List<AgentSkill> skills() {
        if (examples.isEmpty()) {
            return List.of();
        }
        return List.of(new AgentSkill(name, name, description, List.of(), examples, List.of(AgentSkill.TEXT_MODE),
                List.of(AgentSkill.TEXT_MODE)));
    }

    @Override
    public String handle(AgentRequest request) throws InterruptedException {
        Duration work = request.text().startsWith(SLEEP) ? Duration.ofMillis(Long.parseLong(request.text()
                .substring(SLEEP.length()))) : delay;
        if (!work.isZero()) {
            Thread.sleep(work);
        }
        return name + " answered after " + work.toMillis() + " ms";
    }

    @Override
    public void close() {
        if (context != null) {
            context.close();
            context = null;
        }
    }

    /** The agent itself is registered as a singleton before the context refreshes. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Config {
    }
}
