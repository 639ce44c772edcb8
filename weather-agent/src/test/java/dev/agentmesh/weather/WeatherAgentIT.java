package dev.agentmesh.weather;

import dev.agentmesh.events.SubtaskCompleted;
import dev.agentmesh.events.SubtaskRequested;
import dev.agentmesh.events.Topics;
import dev.agentmesh.testing.EventProbe;
import dev.agentmesh.testing.EventPublisher;
import dev.agentmesh.testing.KafkaIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The weather service answers a subtask from its request topic on agent-replies, through a real broker. */
@KafkaIntegrationTest
@TestPropertySource(properties = {"weather.provider=offline", "spring.kafka.consumer.auto-offset-reset=earliest"})
class WeatherAgentIT {

    @Autowired
    WebApplicationContext web;

    @Test
    void servesItsCardWhereA2aClientsLookForIt() throws Exception {
        MockMvc mvc = MockMvcBuilders.webAppContextSetup(web).build();

        mvc.perform(get("/.well-known/agent-card.json"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value("weather"))
                // the build's version (META-INF/build-info.properties), not a hard-coded one
                .andExpect(jsonPath("$.version").value(new org.springframework.boot.info.BuildProperties(
                        loadBuildInfo()).getVersion()))
                .andExpect(jsonPath("$.skills[0].id").value("current-weather"))
                .andExpect(jsonPath("$.skills[0].examples[0]").isString())
                .andExpect(jsonPath("$.agentMesh.requestTopic").value("weather-requests"));
    }

    @Test
    void showsItsBuildAtTheInfoEndpoint() throws Exception {
        MockMvc mvc = MockMvcBuilders.webAppContextSetup(web).build();
        org.springframework.boot.info.BuildProperties build = new org.springframework.boot.info.BuildProperties(
                loadBuildInfo());

        mvc.perform(get("/actuator/info"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.build.artifact").value("weather-agent"))
                .andExpect(jsonPath("$.build.version").value(build.getVersion()))
                .andExpect(jsonPath("$.build.time").isString());
    }

    private static java.util.Properties loadBuildInfo() throws java.io.IOException {
        java.util.Properties build = new java.util.Properties();
        try (var in = WeatherAgentIT.class.getResourceAsStream("/META-INF/build-info.properties")) {
            assertThat(in).as("build-info.properties from spring-boot-maven-plugin").isNotNull();
            build.load(in);
        }
        java.util.Properties stripped = new java.util.Properties();
        build.stringPropertyNames().forEach(key -> stripped.setProperty(key.replaceFirst("^build\\.", ""),
                build.getProperty(key)));
        return stripped;
    }

    @Test
    void answersASubtaskFromItsRequestTopic() {
        String taskId = UUID.randomUUID().toString();
        try (EventProbe replies = EventProbe.on(Topics.AGENT_REPLIES); EventPublisher publisher = new EventPublisher()) {
            publisher.publish(Topics.requestsFor("weather"), taskId, SubtaskRequested.of(taskId, "c-weather",
                    "weather", "What's the weather in Lisbon today?", List.of(), List.of(), 1,
                    Instant.now().plusSeconds(20)));

            SubtaskCompleted reply = replies.awaitEvent(SubtaskCompleted.class, r -> r.taskId().equals(taskId),
                    Duration.ofSeconds(30));

            assertThat(reply.agent()).isEqualTo("weather");
            assertThat(reply.answer()).startsWith("Lisbon, Portugal: partly cloudy, 15 °C");
        }
    }
}
