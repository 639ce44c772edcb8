package dev.agentmesh.manager.flow;

import dev.agentmesh.manager.AgentManagerApplication;
import dev.agentmesh.testing.TestKafka;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/** One agent-manager application, started in this JVM against the test broker. */
final class ManagerInstance implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    /**
     * How long a test waits for agents to count as live: they do once the local planner has embedded their cards'
     * examples and trained on them, which on a machine shared with other builds can take far longer than alone.
     */
    static final Duration LEARNING_CARDS = Duration.ofSeconds(120);

    private ManagerInstance(ConfigurableApplicationContext context) {
        this.context = context;
    }

    static ManagerInstance start(String applicationId, String... extraProperties) {
        return start(applicationId, context -> {
        }, extraProperties);
    }

    /** One whose context {@code initializer} sees before it refreshes (to add beans). */
    static ManagerInstance start(String applicationId,
                                 ApplicationContextInitializer<ConfigurableApplicationContext> initializer,
                                 String... extraProperties) {
        try {
            List<String> properties = new ArrayList<>(List.of(
                    "spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(),
                    "spring.kafka.streams.application-id=" + applicationId,
                    "spring.kafka.streams.state-dir=" + Files.createTempDirectory("manager-state"),
                    "server.port=0",
                    "spring.main.banner-mode=off",
                    "manager.registry.liveness-timeout=30s"));
            properties.addAll(List.of(extraProperties));
            // as command-line arguments, so they win over application.yml
            return new ManagerInstance(new SpringApplicationBuilder(AgentManagerApplication.class)
                    .initializers(initializer).run(properties.stream().map(property -> "--" + property).toArray(String[]::new)));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    KafkaStreams streams() {
        return context.getBean(StreamsBuilderFactoryBean.class).getKafkaStreams();
    }

    void awaitRunning() {
        await().atMost(Duration.ofSeconds(60)).until(() -> streams() != null
                && streams().state() == KafkaStreams.State.RUNNING);
    }

    /** True when this instance holds the task's state (it owns the task's partition). */
    boolean holds(String taskId) {
        try {
            var store = streams().store(StoreQueryParameters.fromNameAndType("tasks",
                    QueryableStoreTypes.keyValueStore()));
            return store.get(taskId) != null;
        } catch (RuntimeException notQueryableNow) {
            return false;
        }
    }

    int port() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port", "0"));
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        if (context.isActive()) {
            context.close();
        }
    }
}
