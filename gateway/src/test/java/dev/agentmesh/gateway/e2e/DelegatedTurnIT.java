package dev.agentmesh.gateway.e2e;

import dev.agentmesh.events.Topics;
import dev.agentmesh.gateway.RealtimeTestClient;
import dev.agentmesh.testing.EventProbe;
import dev.agentmesh.testing.RecordedSpans;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A delegated turn end to end over real sockets: client, gateway, realtime-emulator, a real Kafka broker, the
 * manager and the three agents, and back; driven by a plain WebSocket client, by the official
 * {@code @openai/agents-realtime} client, and by the web page in headless Chromium.
 */
@ExtendWith(OutputCaptureExtension.class)
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
    void oneTraceRunsThroughEveryHopOfADelegatedTurn() {
        String taskId;
        JsonNode outcomes;
        try (RealtimeTestClient client = RealtimeTestClient.connect(mesh.realtimeUrl() + "?agent_events=true")) {
            client.awaitEvent("session.created");
            client.sendText("Are today's news and weather related?");
            JsonNode completed = JSON.readTree(client.awaitEvent("agent_mesh.task.completed", event -> true,
                    Duration.ofSeconds(30)));
            taskId = completed.path("task_id").asString();
            outcomes = completed.path("outcomes");
        }
        RecordedSpans spans = mesh.spans();
        SpanData turn = spans.awaitSpan("the gateway's turn", RecordedSpans.named("delegated turn", "task.id", taskId),
                Duration.ofSeconds(10));
        SpanData delivery = spans.awaitSpan("the gateway's delivery", RecordedSpans.named("deliver result", "task.id",
                taskId), Duration.ofSeconds(10));
        SpanData task = spans.awaitSpan("the manager's task", RecordedSpans.named("aggregate task", "task.id", taskId),
                Duration.ofSeconds(10));
        SpanData planning = spans.awaitSpan("the plan", RecordedSpans.named("plan task", "task.id", taskId),
                Duration.ofSeconds(10));
        String tree = spans.tree(turn.getTraceId());
        org.slf4j.LoggerFactory.getLogger(DelegatedTurnIT.class).info("The turn's trace:\n{}", tree);

        SpanData sent = spans.parentOf(task).orElseThrow(() -> new AssertionError("no parent of the task: " + tree));
        assertThat(sent.getParentSpanId()).as("the task record is sent in the turn: " + tree).isEqualTo(
                turn.getSpanId());
        assertThat(planning.getParentSpanId()).as(tree).isEqualTo(task.getSpanId());
        assertThat(delivery.getParentSpanId()).as("the result goes back in the task's trace: " + tree)
                .isEqualTo(task.getSpanId());
        assertThat(outcomes.findValuesAsString("agent")).isNotEmpty();
        for (JsonNode outcome : outcomes) {
            String agent = outcome.path("agent").asString();
            SpanData handling = spans.awaitSpan(agent + " handling the subtask", span -> span.getName().equals(
                    "handle subtask") && taskId.equals(attribute(span, "task.id")) && agent.equals(attribute(span,
                    "agent")), Duration.ofSeconds(10));
            SpanData stage = spans.parentOf(spans.parentOf(handling).orElseThrow()).orElseThrow();
            assertThat(stage.getName()).as(agent + ": " + tree).isEqualTo("stage " + outcome.path("stage").asInt());
            assertThat(stage.getParentSpanId()).isEqualTo(task.getSpanId());
        }
        assertThat(spans.trace(turn.getTraceId())).as(tree).extracting(span -> span.getResource().getAttributes()
                .get(io.opentelemetry.api.common.AttributeKey.stringKey("service.name")))
                .contains("gateway", "agent-manager").containsAll(outcomes.findValuesAsString("agent").stream()
                        .map(agent -> agent + "-agent").toList());
    }

    private static String attribute(SpanData span, String key) {
        return span.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey(key));
    }

    @Test
    void theServerKeyReachesNoClientLogLineKafkaRecordOrPage(CapturedOutput output) throws Exception {
        List<EventProbe> probes = new ArrayList<>();
        for (String topic : List.of(Topics.AGENT_TASKS, Topics.AGENT_RESULTS, Topics.AGENT_REPLIES,
                Topics.CONVERSATION_EVENTS, Topics.AGENT_REGISTRY, Topics.requestsFor("weather"),
                Topics.requestsFor("news"), Topics.requestsFor("chat"))) {
            probes.add(EventProbe.on(topic));
        }
        try (RealtimeTestClient client = RealtimeTestClient.connect(mesh.realtimeUrl() + "?agent_events=true")) {
            client.awaitEvent("session.created");
            client.sendText("Are today's news and weather in Paris related?");
            client.awaitEvent("agent_mesh.task.completed", event -> true, Duration.ofSeconds(30));
            client.awaitEvent("response.done", event -> event.contains("output_audio"), Duration.ofSeconds(30));

            await().atMost(Duration.ofSeconds(10)).until(() -> probes.stream().filter(p -> !p.records().isEmpty())
                    .count() >= 6);
            for (EventProbe probe : probes) {
                assertThat(probe.records()).as(probe.topic()).noneMatch(record ->
                        new String(record.value(), StandardCharsets.UTF_8).contains(MeshUnderTest.SERVER_KEY)
                                || record.headers().toString().contains(MeshUnderTest.SERVER_KEY));
            }
            assertThat(client.received()).noneMatch(event -> event.contains(MeshUnderTest.SERVER_KEY));
        } finally {
            probes.forEach(EventProbe::close);
        }
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("", "app.js", "api/status", "actuator/health", "actuator/prometheus")) {
            String body = http.send(HttpRequest.newBuilder(URI.create(mesh.pageUrl() + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(body).as(path).isNotEmpty().doesNotContain(MeshUnderTest.SERVER_KEY);
        }
        assertThat(output.getAll()).contains("Delegated a turn").doesNotContain(MeshUnderTest.SERVER_KEY);
    }

    @Test
    void aFuzzedSessionLeavesTheGatewayHealthyAndOtherSessionsUnaffected() throws Exception {
        List<RealtimeTestClient> others = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RealtimeTestClient other = RealtimeTestClient.connect(mesh.realtimeUrl() + "?agent_events=true");
            other.awaitEvent("session.created");
            others.add(other);
        }
        RealtimeTestClient fuzzed = RealtimeTestClient.connect(mesh.realtimeUrl());
        fuzzed.awaitEvent("session.created");
        FrameFuzzer fuzzer = new FrameFuzzer(20261125L);
        java.util.Random binary = new java.util.Random(7);
        int sent = 0;
        try {
            for (RealtimeTestClient other : others) {
                other.sendText("What's the weather in Rome?");
            }
            for (; sent < 3_000 && !fuzzed.closeCode().isDone(); sent++) {
                if (sent % 50 == 0) {
                    byte[] bytes = new byte[binary.nextInt(512)];
                    binary.nextBytes(bytes);
                    fuzzed.sendBinary(bytes);
                } else {
                    fuzzed.send(fuzzer.next());
                }
            }
            for (RealtimeTestClient other : others) {
                String completed = other.awaitEvent("agent_mesh.task.completed", event -> true, Duration.ofSeconds(45));
                assertThat(completed).contains("\"agent\":\"weather\"", "\"status\":\"answered\"");
                other.awaitEvent("response.output_audio_transcript.done", event -> event.contains("Rome"),
                        Duration.ofSeconds(45));
            }
        } finally {
            others.forEach(RealtimeTestClient::close);
            fuzzed.close();
        }

        assertThat(sent).isEqualTo(3_000);
        assertThat(fuzzed.received("error")).isNotEmpty();
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(mesh.pageUrl() + "actuator/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"UP\"");
        try (RealtimeTestClient after = RealtimeTestClient.connect(mesh.realtimeUrl() + "?agent_events=true")) {
            after.awaitEvent("session.created");
            after.sendText("What's the weather in Paris?");
            after.awaitEvent("agent_mesh.task.completed", event -> event.contains("answered"), Duration.ofSeconds(45));
        }
    }

    /**
     * Two gateway instances on one broker, reading partitions 0 and 1 of agent-results: each session's plan and
     * result travel on its own gateway's partition, reach that gateway's client only, and neither gateway reads a
     * record of the other's partition (its Kafka consumer counts every record it reads from agent-results).
     */
    @Test
    void eachGatewayInstanceReadsOnlyThePlansAndResultsOfItsOwnSessions() {
        try (var second = mesh.startSecondGateway("gateway-e2e-2", 1);
             EventProbe replies = EventProbe.on(Topics.AGENT_RESULTS)) {
            String secondUrl = "ws://127.0.0.1:" + second.getEnvironment().getProperty("local.server.port")
                    + "/v1/realtime?agent_events=true";
            await().atMost(Duration.ofSeconds(30)).until(() -> second.getBean(
                    dev.agentmesh.gateway.tasks.AgentCatalog.class).live().size() == 3);
            try (RealtimeTestClient onFirst = RealtimeTestClient.connect(mesh.realtimeUrl() + "?agent_events=true");
                 RealtimeTestClient onSecond = RealtimeTestClient.connect(secondUrl)) {
                onFirst.awaitEvent("session.created");
                onSecond.awaitEvent("session.created");

                onFirst.sendText("What's the weather in Madrid?");
                onSecond.sendText("What's the weather in Oslo?");

                String first = onFirst.awaitEvent("agent_mesh.task.completed", e -> true, Duration.ofSeconds(30));
                String secondResult = onSecond.awaitEvent("agent_mesh.task.completed", e -> true, Duration.ofSeconds(30));
                assertThat(first).contains("Madrid").doesNotContain("Oslo");
                assertThat(secondResult).contains("Oslo").doesNotContain("Madrid");
                String firstTask = JSON.readTree(first).path("task_id").asString();
                String secondTask = JSON.readTree(secondResult).path("task_id").asString();
                assertThat(onFirst.received("agent_mesh.task.planned")).singleElement()
                        .satisfies(plan -> assertThat(plan).contains(firstTask).contains("weather"));
                assertThat(onSecond.received("agent_mesh.task.planned")).singleElement()
                        .satisfies(plan -> assertThat(plan).contains(secondTask).contains("weather"));
                await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() ->
                        onFirst.received("agent_mesh.task.completed").size() == 1
                                && onSecond.received("agent_mesh.task.completed").size() == 1
                                && onFirst.received().stream().noneMatch(e -> e.contains(secondTask))
                                && onSecond.received().stream().noneMatch(e -> e.contains(firstTask)));

                // the plan and the result of each task, on its gateway's partition
                await().atMost(Duration.ofSeconds(10)).until(() -> replies.records().size() >= 4);
                Map<String, List<Integer>> partitionsByTask = replies.records().stream().collect(Collectors.groupingBy(
                        record -> record.key(), Collectors.mapping(record -> record.partition(), Collectors.toList())));
                assertThat(partitionsByTask).containsEntry(firstTask, List.of(0, 0)).containsEntry(secondTask,
                        List.of(1, 1));
                // each gateway is assigned its own partition only, and the second (new) gateway read exactly its
                // task's two records
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(resultsPartitionsRead(mesh.gateway())).containsExactly("0");
                    assertThat(resultsPartitionsRead(second)).containsExactly("1");
                    assertThat(resultsRead(second)).as("records the second gateway read").isEqualTo(2);
                });
            }
        }
    }

    /** The partitions of agent-results the gateway's Kafka reader is assigned (those it has a lag for). */
    private static java.util.Set<String> resultsPartitionsRead(org.springframework.context.ApplicationContext gateway) {
        return gateway.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                .find("kafka.consumer.fetch.manager.records.lag").tag("topic", Topics.AGENT_RESULTS).meters().stream()
                .map(meter -> meter.getId().getTag("partition")).collect(Collectors.toSet());
    }

    /** Records the gateway's Kafka reader has read from agent-results (its consumer's records-consumed-total). */
    private static double resultsRead(org.springframework.context.ApplicationContext gateway) {
        var counters = gateway.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                .find("kafka.consumer.fetch.manager.records.consumed.total").tag("topic", Topics.AGENT_RESULTS)
                .functionCounters();
        return counters.stream().mapToDouble(io.micrometer.core.instrument.FunctionCounter::count).sum();
    }

    @Test
    void theOfficialAgentsRealtimeClientCompletesADelegatedTurn() throws Exception {
        NodeScript.Result result = NodeScript.run(Path.of("src", "test", "node"), Duration.ofSeconds(90),
                "node", "sdk-turn.mjs", mesh.realtimeUrl());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("Paris");
    }

    @Test
    void theOfficialOpenaiPackageClientCompletesADelegatedTurnOverWss(@TempDir Path certificates) throws Exception {
        DevelopmentCertificate certificate = DevelopmentCertificate.create(certificates);
        try (var tls = mesh.startTlsGateway("gateway-e2e-tls", certificate.keystore(), certificate.password())) {
            String port = tls.getEnvironment().getProperty("local.server.port");
            await().atMost(Duration.ofSeconds(30)).until(() -> tls.getBean(
                    dev.agentmesh.gateway.tasks.AgentCatalog.class).live().size() == 3);

            NodeScript.Result result = NodeScript.run(Path.of("src", "test", "node"), Duration.ofSeconds(90),
                    Map.of("NODE_EXTRA_CA_CERTS", certificate.certificate().toString()),
                    "node", "--experimental-websocket", "openai-tls-turn.mjs", "https://127.0.0.1:" + port + "/v1");

            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(result.output()).contains("Paris");
        }
    }

    @Test
    void whatAUserSaysIsRememberedAcrossSessionsAndForgottenOnRequest() throws Exception {
        String user = "e2e-user-" + Long.toHexString(System.nanoTime());
        String conversationId;
        try (RealtimeTestClient first = RealtimeTestClient.connect(mesh.realtimeUrl() + "?agent_events=true&user_id="
                + user)) {
            conversationId = JSON.readTree(first.awaitEvent("agent_mesh.conversation", event -> true,
                    Duration.ofSeconds(10))).path("conversation_id").asString();
            first.sendText("I live in Lyon.");
            first.awaitEvent("response.done", event -> true, Duration.ofSeconds(30));
        }

        // the memory store learned where the user lives, from the turn the gateway recorded for that user
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(me("GET", user, "/profile").body())
                .contains("\"homeCity\"", "Lyon", "learned"));

        // a reload comes back with the conversation id: the new session is that conversation, restored
        try (RealtimeTestClient again = RealtimeTestClient.connect(mesh.realtimeUrl() + "?agent_events=true&user_id="
                + user + "&conversation_id=" + conversationId)) {
            JsonNode restored = JSON.readTree(again.awaitEvent("agent_mesh.conversation", event -> true,
                    Duration.ofSeconds(10)));
            assertThat(restored.path("conversation_id").asString()).isEqualTo(conversationId);
            assertThat(restored.path("restored").findValuesAsString("text")).contains("I live in Lyon.");

            // the weather agent answers for the home city the profile knows, without being told it again
            again.sendText("What's the weather like today?");
            String completed = again.awaitEvent("agent_mesh.task.completed", event -> true, Duration.ofSeconds(45));
            assertThat(completed).contains("\"agent\":\"weather\"", "Lyon, France");
        }
        // another user cannot take that conversation over
        try (RealtimeTestClient stranger = RealtimeTestClient.connect(mesh.realtimeUrl()
                + "?agent_events=true&user_id=stranger-" + user + "&conversation_id=" + conversationId)) {
            String other = stranger.awaitEvent("agent_mesh.conversation", event -> true, Duration.ofSeconds(10));
            assertThat(other).doesNotContain(conversationId).doesNotContain("Lyon");
        }

        assertThat(me("DELETE", user, "").statusCode()).isIn(202, 204);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(me("GET", user, "/profile").body()).doesNotContain("Lyon");
            assertThat(me("GET", user, "/conversations/" + conversationId).statusCode()).isEqualTo(404);
        });
    }

    private HttpResponse<String> me(String method, String user, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(mesh.pageUrl() + "api/me" + path))
                .header("X-Agent-Mesh-User", user).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theWebPageShowsTheAgentsAndTheAnswerInHeadlessChromium() throws Exception {
        Path screenshot = Path.of("target", "ui-delegated-turn.png").toAbsolutePath();

        NodeScript.Result result = NodeScript.run(Path.of("src", "test", "browser"), Duration.ofSeconds(120),
                "node", "ui-check.mjs", mesh.pageUrl(), screenshot.toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(screenshot).isNotEmptyFile();
    }

    @Test
    void theWebPageKeepsTheChosenVoiceAndShowsWhatItLearnedAfterAReload() throws Exception {
        Path screenshot = Path.of("target", "ui-resume.png").toAbsolutePath();

        NodeScript.Result result = NodeScript.run(Path.of("src", "test", "browser"), Duration.ofSeconds(120),
                "node", "resume-check.mjs", mesh.pageUrl(), screenshot.toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("\"learned\":\"I live in Lyon.\"");
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
