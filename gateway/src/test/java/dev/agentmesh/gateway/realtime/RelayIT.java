package dev.agentmesh.gateway.realtime;

import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.AgentTaskCancelled;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.AgentTaskRequested;
import dev.agentmesh.events.Topics;
import dev.agentmesh.events.TurnRecorded;
import dev.agentmesh.gateway.RealtimeTestClient;
import dev.agentmesh.gateway.ScriptedUpstream;
import dev.agentmesh.testing.EventProbe;
import dev.agentmesh.testing.EventPublisher;
import dev.agentmesh.testing.KafkaTestConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay against a scripted upstream, through a real broker: session merging, interception of ask_agents,
 * response sequencing, barge-in, late results, routing by instance, bad input.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.main.web-application-type=reactive",
        "gateway.instance-id=relay-it",
        "gateway.reply-partition=2",
        "gateway.upstream.api-key=sk-test-server-key-4711",
        "gateway.tasks.deadline=2s",
        "gateway.tasks.grace=1s",
        "gateway.limits.client-queue=1MB"})
@Import(KafkaTestConfig.class)
class RelayIT {

    private static final String SERVER_KEY = "sk-test-server-key-4711";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ScriptedUpstream UPSTREAM = ScriptedUpstream.start();

    @DynamicPropertySource
    static void upstream(DynamicPropertyRegistry registry) {
        registry.add("gateway.upstream.url", UPSTREAM::url);
    }

    @LocalServerPort
    int port;

    @org.springframework.beans.factory.annotation.Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    private EventProbe tasks;
    private EventProbe conversation;
    private final EventPublisher publisher = new EventPublisher();
    private RealtimeTestClient client;

    @BeforeEach
    void connect() {
        tasks = EventProbe.on(Topics.AGENT_TASKS);
        conversation = EventProbe.on(Topics.CONVERSATION_EVENTS);
        UPSTREAM.forget();
        client = RealtimeTestClient.connect("ws://127.0.0.1:" + port + "/v1/realtime?agent_events=true");
        client.awaitEvent("session.created");
    }

    @AfterEach
    void disconnect() {
        client.close();
        tasks.close();
        conversation.close();
    }

    @AfterAll
    static void stopUpstream() throws Exception {
        UPSTREAM.close();
    }

    @Test
    void addsTheServerToolAndKeyAndRelaysEverythingElseUntouched() {
        String initial = UPSTREAM.awaitReceived("session.update", event -> event.contains("ask_agents"));
        assertThat(UPSTREAM.authorizations()).last().isEqualTo("Bearer " + SERVER_KEY);

        client.send("{\"type\":\"session.update\",\"session\":{\"instructions\":\"Answer like a pirate.\","
                + "\"tools\":[],\"output_modalities\":[\"text\"]}}");
        String merged = UPSTREAM.awaitReceived("session.update", event -> event.contains("pirate"));
        JsonNode session = JSON.readTree(merged).path("session");
        assertThat(session.path("tools").findValuesAsString("name")).containsExactly("ask_agents");
        assertThat(session.path("instructions").asString()).contains("ask_agents").endsWith("Answer like a pirate.");
        assertThat(session.path("output_modalities").get(0).asString()).isEqualTo("text");

        client.send("{\"type\":\"session.update\",\"event_id\":\"hijack\",\"session\":{\"tools\":[{\"type\":"
                + "\"function\",\"name\":\"get_time\",\"parameters\":{}},{\"type\":\"function\",\"name\":"
                + "\"ask_agents\",\"description\":\"hijacked\"}]}}");
        assertThat(client.awaitEvent("error", event -> event.contains("hijack"), Duration.ofSeconds(10)))
                .contains("tool_name_reserved", "session.tools[1].name");
        client.send("{\"type\":\"session.update\",\"session\":{\"tools\":[{\"type\":\"function\",\"name\":"
                + "\"get_time\",\"parameters\":{}}]}}");
        String withClientTool = UPSTREAM.awaitReceived("session.update", event -> event.contains("get_time"));
        assertThat(JSON.readTree(withClientTool).path("session").path("tools").findValuesAsString("name"))
                .containsExactly("ask_agents", "get_time");
        assertThat(UPSTREAM.received()).noneMatch(event -> event.contains("hijacked"));

        client.send("{\"type\":\"x.future_client_event\",\"payload\":{\"n\":1}}");
        UPSTREAM.awaitReceived("x.future_client_event", event -> event.contains("\"n\":1"));
        UPSTREAM.send("{\"type\":\"x.future_server_event\",\"payload\":{\"n\":2}}");
        assertThat(client.awaitEvent("x.future_server_event")).contains("\"n\":2");

        assertThat(initial).doesNotContain(SERVER_KEY);
        assertThat(client.received()).noneMatch(event -> event.contains(SERVER_KEY));
    }

    @Test
    void feedsTheResultBackAndAsksForAResponseWhileHidingTheServerCall() {
        client.sendText("What's the weather in Paris?");
        UPSTREAM.modelCallsAskAgents("call_1", "{\"request\":\"Weather in Paris today\"}");

        AgentTaskRequested task = tasks.awaitEvent(AgentTaskRequested.class,
                requested -> requested.request().equals("Weather in Paris today"), Duration.ofSeconds(20));
        assertThat(task.replyTo()).isEqualTo("relay-it");
        assertThat(task.replyPartition()).as("the partition of agent-results this gateway reads").isEqualTo(2);
        assertThat(task.context()).extracting("text").contains("What's the weather in Paris?");
        assertThat(task.deadline()).isAfter(task.occurredAt());
        client.awaitEvent("agent_mesh.task.started", event -> event.contains(task.taskId()), Duration.ofSeconds(10));

        publishResult(task, "relay-it", AgentOutcome.answered("weather", "18 °C and light rain in Paris.", 40, 1),
                AgentOutcome.timedOut("news", "no answer within the deadline", 1));

        String output = UPSTREAM.awaitReceived("conversation.item.create", event -> event.contains("call_1"));
        JsonNode item = JSON.readTree(output).path("item");
        assertThat(item.path("type").asString()).isEqualTo("function_call_output");
        JsonNode result = JSON.readTree(item.path("output").asString());
        assertThat(result.path("agents").get(0).path("name").asString()).isEqualTo("weather");
        assertThat(result.path("agents").get(0).path("status").asString()).isEqualTo("answered");
        assertThat(result.path("agents").get(0).path("answer").asString()).contains("light rain");
        assertThat(result.path("agents").get(1).path("status").asString()).isEqualTo("timed_out");
        await().atMost(Duration.ofSeconds(10)).until(() -> UPSTREAM.received("response.create").stream()
                .anyMatch(event -> event.contains("gw_")));
        int outputAt = UPSTREAM.received().indexOf(output);
        int createAt = UPSTREAM.received().indexOf(UPSTREAM.received("response.create").stream()
                .filter(event -> event.contains("gw_")).findFirst().orElseThrow());
        assertThat(createAt).isGreaterThan(outputAt);

        String completed = client.awaitEvent("agent_mesh.task.completed", event -> event.contains(task.taskId()),
                Duration.ofSeconds(10));
        assertThat(completed).contains("\"partial\":true", "\"agent\":\"weather\"", "\"status\":\"timed_out\"");
        assertThat(client.received()).noneMatch(event -> event.contains("\"name\":\"ask_agents\""));
        assertThat(client.received()).noneMatch(event -> event.contains("item_call_1"));
        assertThat(client.received("response.done")).isNotEmpty();
        conversation.awaitEvent(TurnRecorded.class, turn -> turn.role().equals("tool-result")
                && turn.taskId().equals(task.taskId()), Duration.ofSeconds(10));
    }

    @Test
    void waitsForTheActiveResponseToFinishBeforeAskingForAnother() {
        UPSTREAM.modelCallsAskAgents("call_2", "{\"request\":\"News about France\"}");
        AgentTaskRequested task = tasks.awaitEvent(AgentTaskRequested.class,
                requested -> requested.request().equals("News about France"), Duration.ofSeconds(20));
        UPSTREAM.send("{\"type\":\"response.created\",\"response\":{\"id\":\"resp_busy\",\"status\":\"in_progress\"}}");
        client.awaitEvent("response.created", event -> event.contains("resp_busy"), Duration.ofSeconds(10));

        publishResult(task, "relay-it", AgentOutcome.answered("news", "Headline A (Le Monde)", 30, 1));

        UPSTREAM.awaitReceived("conversation.item.create", event -> event.contains("call_2"));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> UPSTREAM.received("response.create").isEmpty());

        UPSTREAM.send("{\"type\":\"response.done\",\"response\":{\"id\":\"resp_busy\",\"status\":\"completed\","
                + "\"output\":[]}}");
        UPSTREAM.awaitReceived("response.create", event -> event.contains("gw_"));
        assertThat(client.received()).noneMatch(event -> event.contains("conversation_already_has_active_response"));
    }

    @Test
    void aClientResponseCreateWaitsWhileTheGatewaysIsOnItsWay() {
        UPSTREAM.modelCallsAskAgents("call_3", "{\"request\":\"Weather in Oslo\"}");
        AgentTaskRequested task = tasks.awaitEvent(AgentTaskRequested.class,
                requested -> requested.request().equals("Weather in Oslo"), Duration.ofSeconds(20));
        publishResult(task, "relay-it", AgentOutcome.answered("weather", "-3 °C in Oslo.", 30, 1));
        UPSTREAM.awaitReceived("response.create", event -> event.contains("gw_"));

        client.send("{\"type\":\"response.create\",\"event_id\":\"client_create_1\"}");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> UPSTREAM.received("response.create").stream().noneMatch(e -> e.contains("client_create_1")));

        UPSTREAM.send("{\"type\":\"response.created\",\"response\":{\"id\":\"resp_gw\",\"status\":\"in_progress\"}}");
        UPSTREAM.send("{\"type\":\"response.done\",\"response\":{\"id\":\"resp_gw\",\"status\":\"completed\",\"output\":[]}}");
        UPSTREAM.awaitReceived("response.create", event -> event.contains("client_create_1"));
    }

    @Test
    void bargeInCancelsTheTaskAndTheLateResultIsDropped() {
        UPSTREAM.modelCallsAskAgents("call_4", "{\"request\":\"Weather in Rome\"}");
        AgentTaskRequested task = tasks.awaitEvent(AgentTaskRequested.class,
                requested -> requested.request().equals("Weather in Rome"), Duration.ofSeconds(20));

        UPSTREAM.send("{\"type\":\"input_audio_buffer.speech_started\",\"audio_start_ms\":1200,\"item_id\":\"item_u\"}");

        AgentTaskCancelled cancelled = tasks.awaitEvent(AgentTaskCancelled.class,
                event -> event.taskId().equals(task.taskId()), Duration.ofSeconds(10));
        assertThat(cancelled.reason()).contains("speaking");
        client.awaitEvent("agent_mesh.task.cancelled", event -> event.contains(task.taskId()), Duration.ofSeconds(10));
        client.awaitEvent("input_audio_buffer.speech_started");

        publishResult(task, "relay-it", AgentOutcome.answered("weather", "LATE ANSWER 25 °C", 30, 1));
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3)).until(() ->
                UPSTREAM.received().stream().noneMatch(event -> event.contains("LATE ANSWER"))
                        && UPSTREAM.received("response.create").isEmpty()
                        && client.received("agent_mesh.task.completed").isEmpty());
        assertThat(UPSTREAM.awaitReceived("conversation.item.create", event -> event.contains("call_4")))
                .contains("cancelled");
    }

    @Test
    void aResultAddressedToAnotherGatewayIsNotDelivered() {
        UPSTREAM.modelCallsAskAgents("call_5", "{\"request\":\"Weather in Lima\"}");
        AgentTaskRequested task = tasks.awaitEvent(AgentTaskRequested.class,
                requested -> requested.request().equals("Weather in Lima"), Duration.ofSeconds(20));

        double foreignBefore = meters.counter("gateway.replies.foreign").count();

        // on this gateway's partition, but naming another instance (one configured with the same partition)
        publishResult(task, "some-other-gateway", AgentOutcome.answered("weather", "WRONG INSTANCE", 10, 1));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                meters.counter("gateway.replies.foreign").count() == foreignBefore + 1);
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(3)).until(() ->
                UPSTREAM.received().stream().noneMatch(event -> event.contains("WRONG INSTANCE")));
        // on another partition, even naming this instance: never read
        publisher.publish(Topics.AGENT_RESULTS, 3, task.taskId(), AgentTaskCompleted.of(task.taskId(),
                task.conversationId(), "relay-it", 3, List.of(AgentOutcome.answered("weather", "WRONG PARTITION", 10,
                        1)), 50));
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(3)).until(() ->
                UPSTREAM.received().stream().noneMatch(event -> event.contains("WRONG PARTITION")));

        publishResult(task, "relay-it", AgentOutcome.answered("weather", "19 °C in Lima.", 10, 1));
        UPSTREAM.awaitReceived("conversation.item.create", event -> event.contains("19 °C in Lima."));
    }

    @Test
    void skipsAPoisonResultAndReadsAResultFromANewerSchemaVersion() {
        UPSTREAM.modelCallsAskAgents("call_9", "{\"request\":\"Weather in Quito\"}");
        AgentTaskRequested task = tasks.awaitEvent(AgentTaskRequested.class,
                requested -> requested.request().equals("Weather in Quito"), Duration.ofSeconds(20));
        double skippedBefore = meters.counter("gateway.records.skipped").count();

        publisher.publishRaw(Topics.AGENT_RESULTS, task.replyPartition(), task.taskId(), "{\"type\":\"agent-task-completed\",\"oops\""
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        publisher.publishRaw(Topics.AGENT_RESULTS, task.replyPartition(), task.taskId(), ("{\"type\":\"agent-task-completed\","
                + "\"eventId\":\"e-future\",\"occurredAt\":\"2027-01-01T00:00:00Z\",\"schemaVersion\":7,"
                + "\"taskId\":\"" + task.taskId() + "\",\"conversationId\":\"" + task.conversationId() + "\","
                + "\"replyTo\":\"relay-it\",\"durationMs\":12,\"aFieldFromTheFuture\":{\"x\":1},"
                + "\"outcomes\":[{\"agent\":\"weather\",\"status\":\"answered\",\"answer\":\"12 °C in Quito.\","
                + "\"stage\":1,\"confidence\":0.9}]}").getBytes(java.nio.charset.StandardCharsets.UTF_8));

        UPSTREAM.awaitReceived("conversation.item.create", event -> event.contains("12 °C in Quito."));
        assertThat(meters.counter("gateway.records.skipped").count()).isEqualTo(skippedBefore + 1);
    }

    @Test
    void invalidToolArgumentsGetAClearOutputAndNoTask() {
        UPSTREAM.modelCallsAskAgents("call_6", "{not json");

        String output = UPSTREAM.awaitReceived("conversation.item.create", event -> event.contains("call_6"));
        assertThat(output).contains("Invalid ask_agents arguments", "not valid JSON");
        UPSTREAM.awaitReceived("response.create", event -> event.contains("gw_"));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> tasks.events(AgentTaskRequested.class).isEmpty());
    }

    @Test
    void aTaskWithoutAResultStillGetsAnAnswerAfterTheDeadline() {
        UPSTREAM.modelCallsAskAgents("call_7", "{\"request\":\"Weather in Nairobi\"}");
        tasks.awaitEvent(AgentTaskRequested.class, requested -> requested.request().equals("Weather in Nairobi"),
                Duration.ofSeconds(20));

        String output = UPSTREAM.awaitReceived("conversation.item.create", event -> event.contains("call_7"));
        assertThat(output).contains("could not answer", "deadline");
        UPSTREAM.awaitReceived("response.create", event -> event.contains("gw_"));
    }

    @Test
    void badClientFramesGetAnErrorAndTheSessionGoesOn() {
        client.send("this is not json");
        assertThat(client.awaitEvent("error")).contains("invalid_json");
        client.send("{\"no_type\":true}");
        client.awaitEvent("error", event -> event.contains("missing_required_parameter"), Duration.ofSeconds(5));
        client.sendBinary(new byte[] {1, 2, 3});
        client.awaitEvent("error", event -> event.contains("unsupported_frame"), Duration.ofSeconds(5));

        client.send("{\"type\":\"input_audio_buffer.clear\",\"event_id\":\"still_alive\"}");
        UPSTREAM.awaitReceived("input_audio_buffer.clear", event -> event.contains("still_alive"));
    }

    @Test
    void aMessageSentInPartsIsRelayedWhole() {
        client.sendInParts("{\"type\":\"conversation.item.create\",\"event_id\":\"in_parts\",\"item\":{\"type\":",
                "\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"Caf",
                "é au lait\"}]}}");

        String relayed = UPSTREAM.awaitReceived("conversation.item.create", event -> event.contains("in_parts"));
        assertThat(relayed).contains("Café au lait");
    }

    @Test
    void acceptsAnAudioAppendOfFifteenMebibytes() {
        String audio = "A".repeat(15 * 1024 * 1024 - 100);
        client.send("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + audio + "\"}");
        UPSTREAM.awaitReceived("input_audio_buffer.append", event -> event.length() > 15_000_000);
    }

    @Test
    void closingTheClientCancelsItsTaskAndTheUpstreamSession() {
        UPSTREAM.modelCallsAskAgents("call_8", "{\"request\":\"News about Peru\"}");
        AgentTaskRequested task = tasks.awaitEvent(AgentTaskRequested.class,
                requested -> requested.request().equals("News about Peru"), Duration.ofSeconds(20));

        client.close();

        tasks.awaitEvent(AgentTaskCancelled.class, event -> event.taskId().equals(task.taskId()),
                Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> UPSTREAM.openSessions() == 0);
    }

    @Test
    void anUpstreamDropKeepsTheClientsSocketAndANewUpstreamSessionLearnsTheConversation() throws Exception {
        client.send("{\"type\":\"session.update\",\"session\":{\"output_modalities\":[\"text\"],\"audio\":"
                + "{\"output\":{\"voice\":\"marin\"}}}}");
        UPSTREAM.awaitReceived("session.update", event -> event.contains("marin"));
        client.sendText("My name is Ana and I live in Lyon.");
        UPSTREAM.awaitReceived("conversation.item.create", event -> event.contains("Lyon"));
        UPSTREAM.send("{\"type\":\"response.output_text.done\",\"response_id\":\"resp_a\",\"item_id\":\"item_a\","
                + "\"output_index\":0,\"content_index\":0,\"text\":\"Nice to meet you, Ana.\"}");
        client.awaitEvent("response.output_text.done");
        int before = UPSTREAM.sessionsOpened();
        UPSTREAM.forget();

        UPSTREAM.closeLatest(1011, "upstream failure");

        String renewed = client.awaitEvent("agent_mesh.session.renewed", event -> true, Duration.ofSeconds(10));
        assertThat(renewed).contains("\"restored_turns\":2");
        await().atMost(Duration.ofSeconds(10)).until(() -> UPSTREAM.sessionsOpened() == before + 1);
        String settings = UPSTREAM.awaitReceived("session.update", event -> event.contains("ask_agents"));
        JsonNode session = JSON.readTree(settings).path("session");
        assertThat(session.path("audio").path("output").path("voice").asString()).isEqualTo("marin");
        assertThat(session.path("output_modalities").get(0).asString()).isEqualTo("text");
        UPSTREAM.awaitReceived("conversation.item.create", event -> event.contains("I live in Lyon")
                && event.contains("\"role\":\"user\""));
        UPSTREAM.awaitReceived("conversation.item.create", event -> event.contains("Nice to meet you, Ana.")
                && event.contains("\"role\":\"assistant\""));
        assertThat(client.closeCode()).isNotDone();
        assertThat(client.received("error")).noneMatch(event -> event.contains("upstream_closed"));

        client.sendText("What's the weather here?");
        UPSTREAM.awaitReceived("conversation.item.create", event -> event.contains("weather here"));
        // the seeded items' echoes stay with the gateway
        UPSTREAM.send("{\"type\":\"conversation.item.added\",\"item\":{\"id\":\"gw_seed_2_0\",\"type\":\"message\","
                + "\"role\":\"user\",\"content\":[]}}");
        UPSTREAM.send("{\"type\":\"x.after_seed\"}");
        client.awaitEvent("x.after_seed");
        assertThat(client.received()).noneMatch(event -> event.contains("gw_seed_"));
    }

    @Test
    void aSpokenTurnsTranscriptIsRecordedAndTravelsWithTheNextTask() {
        UPSTREAM.send("{\"type\":\"input_audio_buffer.committed\",\"item_id\":\"item_voice_1\"}");
        UPSTREAM.send("{\"type\":\"conversation.item.input_audio_transcription.completed\",\"item_id\":"
                + "\"item_voice_1\",\"content_index\":0,\"transcript\":\"Is it going to snow in Oslo tonight?\"}");
        client.awaitEvent("conversation.item.input_audio_transcription.completed");

        conversation.awaitEvent(TurnRecorded.class, turn -> turn.role().equals("user")
                && turn.text().equals("Is it going to snow in Oslo tonight?"), Duration.ofSeconds(10));
        UPSTREAM.modelCallsAskAgents("call_voice", "{\"request\":\"Snow in Oslo tonight\"}");
        AgentTaskRequested task = tasks.awaitEvent(AgentTaskRequested.class,
                requested -> requested.request().equals("Snow in Oslo tonight"), Duration.ofSeconds(20));
        assertThat(task.context()).extracting("text").contains("Is it going to snow in Oslo tonight?");
    }

    @Test
    void aTaskWaitingWhenTheUpstreamIsRenewedIsCancelledAndTheClientHearsSo() throws Exception {
        client.sendText("News about Chile, please.");
        UPSTREAM.modelCallsAskAgents("call_renew", "{\"request\":\"News about Chile\"}");
        AgentTaskRequested task = tasks.awaitEvent(AgentTaskRequested.class,
                requested -> requested.request().equals("News about Chile"), Duration.ofSeconds(20));

        UPSTREAM.closeLatest(1011, "upstream failure");

        tasks.awaitEvent(AgentTaskCancelled.class, event -> event.taskId().equals(task.taskId()), Duration.ofSeconds(10));
        client.awaitEvent("agent_mesh.task.cancelled", event -> event.contains(task.taskId()), Duration.ofSeconds(10));
        assertThat(client.awaitEvent("agent_mesh.session.renewed", event -> true, Duration.ofSeconds(10)))
                .contains("\"cancelled_tasks\":1");
        // a late result for it goes nowhere, and the new upstream session gets no output for a call it never had
        publishResult(task, "relay-it", AgentOutcome.answered("news", "Headline", 20, 1));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() -> UPSTREAM.received(
                "conversation.item.create").stream().noneMatch(event -> event.contains("call_renew")));
    }

    @Test
    void anUpstreamThatKeepsDroppingEndsTheSessionWithACleanError() throws Exception {
        for (int drop = 0; drop < 4 && !client.closeCode().isDone(); drop++) {
            int opened = UPSTREAM.sessionsOpened();
            UPSTREAM.closeLatest(1011, "upstream failure");
            if (drop < 3) {
                await().atMost(Duration.ofSeconds(10)).until(() -> UPSTREAM.sessionsOpened() == opened + 1
                        && UPSTREAM.openSessions() > 0);
                client.awaitEvent("agent_mesh.session.renewed", event -> true, Duration.ofSeconds(10));
            }
        }

        String error = client.awaitEvent("error", event -> event.contains("upstream_closed"), Duration.ofSeconds(10));
        assertThat(error).contains("1011");
        assertThat(client.closeCode().get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1011);
        assertThat(client.received("agent_mesh.session.renewed")).hasSize(3);
    }

    @Test
    void theUpstreamSessionIsRenewedBeforeTheProvidersTimeLimit() {
        int opened = UPSTREAM.sessionsOpened();
        client.sendText("Remember the number 42.");
        UPSTREAM.awaitReceived("conversation.item.create", event -> event.contains("42"));
        UPSTREAM.send("{\"type\":\"response.created\",\"response\":{\"id\":\"resp_42\",\"status\":\"in_progress\"}}");
        UPSTREAM.send("{\"type\":\"response.done\",\"response\":{\"id\":\"resp_42\",\"status\":\"completed\","
                + "\"output\":[]}}");
        client.awaitEvent("response.done");

        // the provider's session ends in 61 s: the gateway renews a minute before, so now
        UPSTREAM.send("{\"type\":\"session.created\",\"session\":{\"type\":\"realtime\",\"id\":\"sess_x\","
                + "\"expires_at\":" + (java.time.Instant.now().getEpochSecond() + 61) + "}}");

        await().atMost(Duration.ofSeconds(10)).until(() -> UPSTREAM.sessionsOpened() == opened + 1);
        UPSTREAM.awaitReceived("conversation.item.create", event -> event.contains("gw_seed_")
                && event.contains("Remember the number 42."));
        client.awaitEvent("agent_mesh.session.renewed", event -> event.contains("time limit"), Duration.ofSeconds(10));
        // the renewed session's own greeting (every scripted session greets with sess_1) stays with the gateway
        assertThat(client.received("session.created")).filteredOn(event -> event.contains("sess_1")).hasSize(1);
    }

    @Test
    void aClientThatStopsReadingGetsAnErrorAndACleanCloseInsteadOfGrowingMemory() throws Exception {
        client.stopReading();
        String chunk = "A".repeat(512 * 1024);
        for (int i = 0; i < 40 && UPSTREAM.openSessions() > 0; i++) {
            UPSTREAM.sendIfOpen("{\"type\":\"response.output_audio.delta\",\"response_id\":\"resp_big\",\"item_id\":"
                    + "\"item_big\",\"output_index\":0,\"content_index\":0,\"delta\":\"" + chunk + "\"}");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> UPSTREAM.openSessions() == 0);

        client.resumeReading();

        client.awaitEvent("error", event -> event.contains("client_too_slow"), Duration.ofSeconds(20));
        assertThat(client.closeCode().get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1013);
        assertThat(client.received("response.output_audio.delta").size()).isLessThan(40);
    }

    private void publishResult(AgentTaskRequested task, String replyTo, AgentOutcome... outcomes) {
        publisher.publish(Topics.AGENT_RESULTS, task.replyPartition(), task.taskId(),
                AgentTaskCompleted.of(task.taskId(), task.conversationId(), replyTo, task.replyPartition(),
                        List.of(outcomes), 50));
    }
}
