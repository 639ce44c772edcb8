package dev.agentmesh.gateway.e2e;

import dev.agentmesh.events.Topics;
import dev.agentmesh.gateway.RealtimeTestClient;
import dev.agentmesh.testing.EventProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A delegated turn end to end over real sockets: client, gateway, realtime-emulator, a real Kafka broker, the
 * manager and the three agents, and back; driven by a plain WebSocket client, by the official
 * {@code @openai/agents-realtime} client, and by the web page in headless Chromium.
 */
class DelegatedTurnIT {

    private static final String QUESTION = "What's the weather in Paris and any news about France?";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static MeshUnderTest mesh;

    @BeforeAll
    static void startTheSystem() {
        mesh = MeshUnderTest.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> mesh.gatewayBean(
                dev.agentmesh.gateway.tasks.AgentCatalog.class).live().size() == 3);
    }

    @AfterAll
    static void stopTheSystem() {
        if (mesh != null) {
            mesh.close();
        }
    }

    @Test
    void aSpokenAnswerCarriesTheAgentsFacts() {
        try (EventProbe conversation = EventProbe.on(Topics.CONVERSATION_EVENTS);
             RealtimeTestClient client = RealtimeTestClient.connect(mesh.realtimeUrl() + "?agent_events=true")) {
            client.awaitEvent("session.created");

            client.sendText(QUESTION);

            String completed = client.awaitEvent("agent_mesh.task.completed", event -> true, Duration.ofSeconds(30));
            JsonNode outcomes = JSON.readTree(completed).path("outcomes");
            assertThat(outcomes.findValuesAsString("agent")).contains("weather", "news");
            assertThat(outcomes.findValuesAsString("status")).containsOnly("answered");
            String weather = answerOf(outcomes, "weather");
            assertThat(weather).contains("Paris");

            String transcript = client.awaitEvent("response.output_audio_transcript.done",
                    event -> event.contains("Paris"), Duration.ofSeconds(30));
            String spoken = JSON.readTree(transcript).path("transcript").asString();
            assertThat(spoken).contains(firstSentence(weather));
            assertThat(client.received("response.output_audio.delta")).isNotEmpty();
            assertThat(client.received()).noneMatch(event -> event.contains("conversation_already_has_active_response"));
            assertThat(client.received()).noneMatch(event -> event.contains(MeshUnderTest.SERVER_KEY));
            assertThat(mesh.emulator().credentials()).isNotEmpty().containsOnly(MeshUnderTest.SERVER_KEY);

            await().atMost(Duration.ofSeconds(10)).until(() -> conversation.records().size() >= 4);
            String log = conversation.records().stream()
                    .map(record -> new String(record.value(), StandardCharsets.UTF_8)).collect(Collectors.joining());
            assertThat(log).contains("task-planned", "tool-call", "tool-result").doesNotContain(MeshUnderTest.SERVER_KEY);
        }
    }

    @Test
    void theOfficialAgentsRealtimeClientCompletesADelegatedTurn() throws Exception {
        NodeScript.Result result = NodeScript.run(Path.of("src", "test", "node"), Duration.ofSeconds(90),
                "node", "sdk-turn.mjs", mesh.realtimeUrl());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("Paris");
    }

    @Test
    void theWebPageShowsTheAgentsAndTheAnswerInHeadlessChromium() throws Exception {
        Path screenshot = Path.of("target", "ui-delegated-turn.png").toAbsolutePath();

        NodeScript.Result result = NodeScript.run(Path.of("src", "test", "browser"), Duration.ofSeconds(120),
                "node", "ui-check.mjs", mesh.pageUrl(), screenshot.toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(screenshot).isNotEmptyFile();
    }

    private static String answerOf(JsonNode outcomes, String agent) {
        for (JsonNode outcome : outcomes) {
            if (agent.equals(outcome.path("agent").asString())) {
                return outcome.path("answer").asString();
            }
        }
        throw new AssertionError("no outcome for " + agent + " in " + outcomes);
    }

    private static String firstSentence(String text) {
        int end = text.indexOf(". ");
        return end > 0 ? text.substring(0, end) : text;
    }
}
