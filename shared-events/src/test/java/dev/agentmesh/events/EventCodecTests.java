package dev.agentmesh.events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The golden files in {@code src/test/resources/golden} pin the wire format: changing a field name or a type
 * name fails here, so a change to the format is a visible decision.
 */
class EventCodecTests {

    private static final Instant AT = Instant.parse("2026-11-24T10:15:30.123Z");
    private static final Instant DEADLINE = Instant.parse("2026-11-24T10:15:38.123Z");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static Stream<Object[]> goldenEvents() {
        List<ContextEntry> context = List.of(new ContextEntry("user", "Hi"), new ContextEntry("assistant", "Hello!"));
        return Stream.of(
                new Object[] {"agent-task-requested.json", new AgentTaskRequested(new TaskHeader("e-1", AT, 1, "t-1",
                        "c-1"), "What's the weather in Paris?", context, DEADLINE, "gateway-a")},
                new Object[] {"agent-task-requested-for-user.json", new AgentTaskRequested(new TaskHeader("e-15", AT,
                        1, "t-1", "c-1"), "Do I need an umbrella?", context, DEADLINE, "gateway-a",
                        new UserContext("Ana", "Lyon", "metric", List.of("Formula 1"), "fr"))},
                new Object[] {"agent-task-requested-with-reply-partition.json",
                        new AgentTaskRequested(new TaskHeader("e-16", AT, 1, "t-1", "c-1"),
                        "What's the weather in Paris?", context, DEADLINE, "gateway-a", null, 3)},
                new Object[] {"agent-task-cancelled.json", new AgentTaskCancelled(new TaskHeader("e-2", AT, 1, "t-1",
                        "c-1"), "barge-in")},
                new Object[] {"subtask-requested.json", new SubtaskRequested(new TaskHeader("e-3", AT, 1, "t-1",
                        "c-1"), "chat", "Are today's news and weather related?", context,
                        List.of(new PriorAnswer("weather", "Paris: 12 °C, light rain")), 2, DEADLINE)},
                new Object[] {"subtask-completed.json", new SubtaskCompleted(new TaskHeader("e-4", AT, 1, "t-1",
                        "c-1"), "weather", "Paris: 12 °C, light rain", 84, null)},
                new Object[] {"subtask-completed-truncated.json", new SubtaskCompleted(new TaskHeader("e-10", AT, 1,
                        "t-1", "c-1"), "news", "1. Headline — Wire… [truncated: 20 of 2097152 bytes]", 95, true)},
                new Object[] {"subtask-failed.json", new SubtaskFailed(new TaskHeader("e-5", AT, 1, "t-1", "c-1"),
                        "news", "feed unreachable", 120)},
                new Object[] {"agent-task-completed.json", new AgentTaskCompleted(new TaskHeader("e-6", AT, 1, "t-1",
                        "c-1"), "gateway-a", List.of(
                        AgentOutcome.answered("weather", "Paris: 12 °C, light rain", 84, 1),
                        AgentOutcome.failed("news", "feed unreachable", 120, 1),
                        AgentOutcome.timedOut("chat", "no reply before the deadline", 2)), 8000)},
                new Object[] {"agent-task-completed-truncated.json", new AgentTaskCompleted(new TaskHeader("e-11", AT,
                        1, "t-1", "c-1"), "gateway-a", List.of(
                        new AgentOutcome("news", AgentOutcome.Status.ANSWERED,
                                "1. Headline — Wire… [truncated: 20 of 2097152 bytes]", null, 95L, 1, true)), 120)},
                new Object[] {"agent-task-completed-with-reply-partition.json",
                        new AgentTaskCompleted(new TaskHeader("e-17", AT, 1, "t-1", "c-1"), "gateway-a",
                        List.of(AgentOutcome.answered("weather", "Paris: 12 °C", 84, 1)),
                        90, 3)},
                new Object[] {"agent-registered.json", new AgentRegistered("e-7", AT, 1, "weather",
                        "Current weather and today's forecast for a place", "weather-requests", "0.1.0",
                        "weather-7f9c", 5000, List.of("text/plain"), List.of("text/plain"), List.of(new AgentSkill(
                        "current-weather", "Current weather and forecast",
                        "Conditions now and today's forecast for a named place", List.of("weather", "forecast"),
                        List.of("Do I need an umbrella in Oslo?", "frost tonight?"), List.of("text/plain"),
                        List.of("text/plain"))))},
                new Object[] {"task-planned.json", new TaskPlanned(new TaskHeader("e-8", AT, 1, "t-1", "c-1"),
                        "Are today's news and weather related?", List.of(List.of("weather", "news"), List.of("chat")),
                        "local", "weather and news first; chat relates them")},
                new Object[] {"task-planned-with-reply-partition.json", new TaskPlanned(new TaskHeader("e-8", AT, 1,
                        "t-1", "c-1"),
                        "Are today's news and weather related?", List.of(List.of("weather", "news"), List.of("chat")),
                        "local", "weather and news first; chat relates them").addressedTo("gateway-a", 3)},
                new Object[] {"turn-recorded.json", new TurnRecorded(new TaskHeader("e-9", AT, 1, "t-1", "c-1"), "user",
                        "What's the weather in Paris?")},
                new Object[] {"turn-recorded-with-user.json", new TurnRecorded(new TaskHeader("e-10", AT, 1, "t-1",
                        "c-1"), "user", "I live in Lyon", "user-42")},
                new Object[] {"user-profile.json", new UserProfile("e-11", AT, 1, "user-42",
                        ProfileFact.setByUser("Ana", AT), ProfileFact.learned("Lyon", "I live in Lyon", AT),
                        ProfileFact.setByUser(Units.METRIC, AT),
                        ProfileFact.learned(List.of("Formula 1"), "I follow Formula 1", AT), null)},
                new Object[] {"profile-update-requested.json", new ProfileUpdateRequested("e-12", AT, 1, "user-42",
                        "Ana", null, Units.IMPERIAL, List.of("climate", "tennis"), "fr")},
                new Object[] {"profile-fact-forget-requested.json", new ProfileFactForgetRequested("e-13", AT, 1,
                        "user-42", ProfileField.HOME_CITY)},
                new Object[] {"user-forget-requested.json", new UserForgetRequested("e-14", AT, 1, "user-42")});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenEvents")
    void encodesEachEventExactlyAsItsGoldenFile(String file, Event event) throws IOException {
        JsonNode expected = JSON.readTree(golden(file));
        JsonNode actual = JSON.readTree(EventCodec.encode(event));

        assertThat(actual).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenEvents")
    void decodesEachGoldenFileToTheSameEvent(String file, Event event) throws IOException {
        assertThat(EventCodec.decode(golden(file))).isEqualTo(event);
    }

    @Test
    void ignoresFieldsItDoesNotKnowSoNewerWritersCanAddThem() {
        String json = """
                {"type":"subtask-completed","eventId":"e-4","occurredAt":"2026-11-24T10:15:30.123Z",
                 "schemaVersion":2,"taskId":"t-1","conversationId":"c-1","agent":"weather",
                 "answer":"sunny","durationMs":5,"confidence":0.9,"sources":["a","b"]}
                """;

        SubtaskCompleted decoded = EventCodec.decode(json, SubtaskCompleted.class);

        assertThat(decoded.schemaVersion()).isEqualTo(2);
        assertThat(decoded.answer()).isEqualTo("sunny");
    }

    @Test
    void readsARegistrationFromAnAgentThatPublishesNoSkillsYet() {
        String json = """
                {"type":"agent-registered","eventId":"e-7","occurredAt":"2026-11-24T10:15:30.123Z",
                 "schemaVersion":1,"agent":"stocks","description":"Share prices","requestTopic":"stocks-requests",
                 "version":"0.0.9","instanceId":"stocks-1","heartbeatIntervalMs":5000}
                """;

        AgentCard card = EventCodec.decode(json, AgentRegistered.class).card();

        assertThat(card.name()).isEqualTo("stocks");
        assertThat(card.description()).isEqualTo("Share prices");
        assertThat(card.skills()).isEmpty();
        assertThat(card.buildsOnOtherAgents()).isFalse();
    }

    @Test
    void aSkillThatReadsOtherAgentsAnswersSaysSo() {
        AgentSkill relate = new AgentSkill("relate", "Relate answers", "Relates other agents' answers", null, null,
                List.of(AgentSkill.TEXT_MODE, AgentSkill.AGENT_ANSWERS_MODE), List.of(AgentSkill.TEXT_MODE));
        AgentSkill alone = new AgentSkill("talk", "Talk", "Small talk", null, null, null, null);

        assertThat(relate.buildsOnOtherAgents()).isTrue();
        assertThat(alone.buildsOnOtherAgents()).isFalse();
        assertThat(alone.examples()).isEmpty();
    }

    @Test
    void rejectsARecordWithoutItsCorrelationId() {
        String json = """
                {"type":"subtask-completed","eventId":"e-4","occurredAt":"2026-11-24T10:15:30.123Z",
                 "schemaVersion":1,"conversationId":"c-1","agent":"weather","answer":"sunny","durationMs":5}
                """;

        assertThatThrownBy(() -> EventCodec.decode(json, Event.class))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("taskId is required");
    }

    @Test
    void rejectsAnUnknownTypeAndMalformedJson() {
        assertThatThrownBy(() -> EventCodec.decode("{\"type\":\"java.lang.Runtime\"}", Event.class))
                .isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> EventCodec.decode("{not json", Event.class))
                .isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> EventCodec.decode(new byte[0]))
                .isInstanceOf(InvalidEventException.class);
    }

    @Test
    void readsATurnWrittenBeforeUserIdExistedAsATurnWithoutUser() throws IOException {
        TurnRecorded turn = EventCodec.decode(golden("turn-recorded.json"), TurnRecorded.class);

        assertThat(turn.userId()).isNull();
        assertThat(EventCodec.encodeToString(turn)).doesNotContain("userId");
    }

    @Test
    void rejectsAProfileWithoutItsUser() {
        String json = """
                {"type":"user-profile","eventId":"e-11","occurredAt":"2026-11-24T10:15:30.123Z","schemaVersion":1}
                """;

        assertThatThrownBy(() -> EventCodec.decode(json, Event.class))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("userId is required");
    }

    @Test
    void marksAResultPartialWhenAnyAgentDidNotAnswer() {
        AgentTaskCompleted complete = AgentTaskCompleted.of("t", "c", null,
                List.of(AgentOutcome.answered("weather", "sunny", 5, 1)), 5);
        AgentTaskCompleted partial = AgentTaskCompleted.of("t", "c", null,
                List.of(AgentOutcome.answered("weather", "sunny", 5, 1), AgentOutcome.timedOut("news", "late", 1)), 5);

        assertThat(complete.partial()).isFalse();
        assertThat(partial.partial()).isTrue();
    }

    @Test
    void readsAnOlderWritersRecordsWithoutTheTruncatedFlagAsWhole() throws IOException {
        SubtaskCompleted reply = EventCodec.decode(golden("subtask-completed.json"), SubtaskCompleted.class);
        AgentTaskCompleted result = EventCodec.decode(golden("agent-task-completed.json"), AgentTaskCompleted.class);

        assertThat(reply.wasTruncated()).isFalse();
        assertThat(result.outcomes()).noneMatch(AgentOutcome::wasTruncated);
    }

    private static byte[] golden(String file) throws IOException {
        try (InputStream in = EventCodecTests.class.getResourceAsStream("/golden/" + file)) {
            assertThat(in).as("golden file %s", file).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
        }
    }
}
