package dev.agentmesh.manager.flow;

import dev.agentmesh.events.AgentSkill;
import dev.agentmesh.manager.ShippedCards;
import dev.agentmesh.sdk.Agent;
import dev.agentmesh.sdk.AgentCardFile;
import dev.agentmesh.sdk.AgentRequest;
import dev.agentmesh.testing.TestKafka;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A real agent service in this JVM (the SDK's runtime on the real broker) whose answers the test scripts: it
 * waits {@code delay} (its simulated work) and answers with {@code answer.apply(request)}.
 */
final class ScriptedAgent implements Agent, AutoCloseable {

    private final String name;
    private final String description;
    private final Duration delay;
    private final Function<AgentRequest, String> answer;
    final List<AgentRequest> received = new CopyOnWriteArrayList<>();
    final List<java.time.Instant> receivedAt = new CopyOnWriteArrayList<>();
    private ConfigurableApplicationContext context;

    private final List<AgentSkill> skills;

    private ScriptedAgent(String name, String description, List<AgentSkill> skills, Duration delay,
                          Function<AgentRequest, String> answer) {
        this.name = name;
        this.description = description;
        this.skills = skills;
        this.delay = delay;
        this.answer = answer;
    }

    static ScriptedAgent start(String name, String description, Duration delay,
                               Function<AgentRequest, String> answer, String... extraProperties) {
        return start(name, description, List.of(), delay, answer, extraProperties);
    }

    /** An agent that announces the card the real agent of that name ships, and answers as scripted. */
    static ScriptedAgent withShippedCard(String name, Duration delay, Function<AgentRequest, String> answer,
                                         String... extraProperties) {
        AgentCardFile card = ShippedCards.of(name);
        return start(name, card.description(), card.skills(), delay, answer, extraProperties);
    }

    static ScriptedAgent start(String name, String description, List<AgentSkill> skills, Duration delay,
                               Function<AgentRequest, String> answer, String... extraProperties) {
        return start(name, description, skills, delay, answer, context -> {
        }, extraProperties);
    }

    /** One that announces its shipped card and runs {@code initializer} on its context before it refreshes. */
    static ScriptedAgent withShippedCard(String name, Duration delay, Function<AgentRequest, String> answer,
                                         ApplicationContextInitializer<ConfigurableApplicationContext> initializer,
                                         String... extraProperties) {
        AgentCardFile card = ShippedCards.of(name);
        return start(name, card.description(), card.skills(), delay, answer, initializer, extraProperties);
    }

    private static ScriptedAgent start(String name, String description, List<AgentSkill> skills, Duration delay,
                                       Function<AgentRequest, String> answer,
                                       ApplicationContextInitializer<ConfigurableApplicationContext> initializer,
                                       String... extraProperties) {
        ScriptedAgent agent = new ScriptedAgent(name, description, skills, delay, answer);
        List<String> arguments = new java.util.ArrayList<>(List.of(
                "--spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(),
                "--spring.application.name=" + name + "-agent",
                "--spring.kafka.consumer.auto-offset-reset=earliest",
                "--agent.heartbeat-interval=1s",
                "--spring.main.banner-mode=off",
                // the manager's application.yml is on this test classpath; its probe groups name manager beans
                "--management.endpoint.health.validate-group-membership=false"));
        for (String property : extraProperties) {
            arguments.add("--" + property);
        }
        agent.context = new SpringApplicationBuilder(Config.class)
                .initializers(context -> context.getBeanFactory().registerSingleton("scriptedAgent", agent),
                        initializer)
                .web(WebApplicationType.NONE)
                .run(arguments.toArray(String[]::new));
        return agent;
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
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
        return skills;
    }

    @Override
    public String handle(AgentRequest request) throws InterruptedException {
        received.add(request);
        receivedAt.add(java.time.Instant.now());
        Thread.sleep(delay);
        return answer.apply(request);
    }

    /** Stops the service as a crash would look to the others: no more replies, no more heartbeats. */
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
