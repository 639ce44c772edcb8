package dev.agentmesh.memory.api;

import dev.agentmesh.events.Ids;
import dev.agentmesh.events.TaskHeader;
import dev.agentmesh.events.Topics;
import dev.agentmesh.events.TurnRecorded;
import dev.agentmesh.memory.MemoryInstance;
import dev.agentmesh.memory.MemoryInstance.Response;
import dev.agentmesh.testing.EventPublisher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The memory API of one instance against the real broker: history materialised from the gateway's turns, bounds,
 * learning next to what the user set, isolation between users, bad requests, and logs without content.
 */
@ExtendWith(OutputCaptureExtension.class)
class MemoryApiIT {

    private static final Duration VISIBLE = Duration.ofSeconds(30);

    private static MemoryInstance memory;
    private static EventPublisher publisher;

    @BeforeAll
    static void startOneInstance() throws Exception {
        publisher = new EventPublisher();
        memory = MemoryInstance.start("memory-api-it-" + UUID.randomUUID(), Files.createTempDirectory("memory-api"),
                "memory.history.max-conversations=2", "memory.history.max-turns=3",
                "memory.history.max-conversation-bytes=1KB", "logging.level.dev.agentmesh.memory=DEBUG")
                .awaitRunning();
    }

    @AfterAll
    static void stop() {
        memory.close();
        publisher.close();
    }

    @Test
    void servesTheHistoryMaterialisedFromTheGatewaysTurns() {
        String user = user();
        String conversation = "conv-" + UUID.randomUUID();
        turn(conversation, user, "user", "What's the weather in Paris?");
        turn(conversation, user, "assistant", "Light rain, 9 °C.");
        turn(conversation, null, "user", "a turn without a user is not kept");

        JsonNode list = await().atMost(VISIBLE).until(
                () -> memory.get("/api/memory/users/" + user + "/conversations").json(),
                json -> json.size() == 1 && json.get(0).get("turns").asInt() == 2);
        assertThat(list.get(0).get("conversationId").asString()).isEqualTo(conversation);
        assertThat(list.get(0).get("title").asString()).isEqualTo("What's the weather in Paris?");
        assertThat(Instant.parse(list.get(0).get("updatedAt").asString())).isBeforeOrEqualTo(Instant.now());

        Response one = memory.get("/api/memory/users/" + user + "/conversations/" + conversation);
        assertThat(one.status()).isEqualTo(200);
        assertThat(texts(one.json().get("turns"))).containsExactly("What's the weather in Paris?", "Light rain, 9 °C.");
        assertThat(one.json().get("turns").get(1).get("role").asString()).isEqualTo("assistant");
        assertThat(one.json().get("turns").get(1).get("at").asString()).isNotBlank();
    }

    @Test
    void keepsOnlyTheConfiguredNumberOfConversationsAndTurns() {
        String user = user();
        for (String conversation : List.of("b-1", "b-2", "b-3")) {
            for (int i = 1; i <= 5; i++) {
                turn(user + "-" + conversation, user, i % 2 == 1 ? "user" : "assistant", conversation + " turn " + i);
            }
        }

        await().atMost(VISIBLE).until(() -> memory.get("/api/memory/users/" + user + "/conversations/" + user + "-b-3")
                .body().contains("b-3 turn 5"));

        JsonNode list = memory.get("/api/memory/users/" + user + "/conversations").json();
        assertThat(list.get(0).get("turns").asInt()).isEqualTo(3);
        assertThat(StreamSupport.stream(list.spliterator(), false).map(c -> c.get("conversationId").asString()))
                .containsExactly(user + "-b-3", user + "-b-2");
        assertThat(texts(memory.get("/api/memory/users/" + user + "/conversations/" + user + "-b-3").json()
                .get("turns"))).containsExactly("b-3 turn 3", "b-3 turn 4", "b-3 turn 5");
        assertThat(memory.get("/api/memory/users/" + user + "/conversations/" + user + "-b-1").status())
                .isEqualTo(404);
    }

    @Test
    void learnsAFactFromAUserTurnWithoutOverridingWhatTheUserSet() {
        String user = user();
        Response set = memory.put("/api/memory/users/" + user + "/profile", """
                {"homeCity": "Paris", "units": "metric"}""");
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.json().get("homeCity").get("source").asString()).isEqualTo("user");

        turn("conv-" + UUID.randomUUID(), user, "user", "I live in Lyon and I follow Formula 1. My name is Ana.");

        JsonNode profile = await().atMost(VISIBLE).until(
                () -> memory.get("/api/memory/users/" + user + "/profile").json(),
                json -> !json.get("name").isNull() && !json.get("interests").isNull());
        assertThat(profile.get("name").get("value").asString()).isEqualTo("Ana");
        assertThat(profile.get("name").get("source").asString()).isEqualTo("learned");
        assertThat(profile.get("name").get("learnedFrom").asString()).isEqualTo("My name is Ana.");
        assertThat(profile.get("interests").get("value").get(0).asString()).isEqualTo("Formula 1");
        assertThat(profile.get("homeCity").get("value").asString()).isEqualTo("Paris");
        assertThat(profile.get("homeCity").get("source").asString()).isEqualTo("user");

        Response forgotten = memory.delete("/api/memory/users/" + user + "/profile/name");
        assertThat(forgotten.status()).isEqualTo(200);
        assertThat(forgotten.json().get("name").isNull()).isTrue();
        assertThat(memory.get("/api/memory/users/" + user + "/profile").json().get("name").isNull()).isTrue();
    }

    @Test
    void answersAnEmptyProfileForAUserNothingIsKnownAbout() {
        String user = user();
        Response profile = memory.get("/api/memory/users/" + user + "/profile");

        assertThat(profile.status()).isEqualTo(200);
        assertThat(profile.json().get("userId").asString()).isEqualTo(user);
        assertThat(profile.json().get("homeCity").isNull()).isTrue();
        assertThat(memory.get("/api/memory/users/" + user + "/conversations").body()).isEqualTo("[]");
    }

    @Test
    void aUserCannotReadAnotherUsersConversation() {
        String ana = user();
        String bob = user();
        String conversation = "conv-" + UUID.randomUUID();
        turn(conversation, ana, "user", "Ana's private question");
        await().atMost(VISIBLE).until(() -> memory.get("/api/memory/users/" + ana + "/conversations/" + conversation)
                .status() == 200);

        Response asBob = memory.get("/api/memory/users/" + bob + "/conversations/" + conversation);

        assertThat(asBob.status()).isEqualTo(404);
        assertThat(asBob.body()).doesNotContain("private");
        assertThat(memory.get("/api/memory/users/" + bob + "/conversations").body()).isEqualTo("[]");
    }

    @Test
    void refusesBadRequestsWithAClearError() {
        String profile = "/api/memory/users/" + user() + "/profile";

        assertBadRequest(memory.put(profile, "{\"units\": \"kelvin\"}"), "units must be metric or imperial");
        assertBadRequest(memory.put(profile, "{\"shoeSize\": 44}"), "unknown field \"shoeSize\"");
        assertBadRequest(memory.put(profile, "not json"), "must be a JSON object");
        assertBadRequest(memory.put(profile, "{}"), "set at least one of");
        assertBadRequest(memory.put(profile, "{\"name\": \"  \"}"), "name must not be blank");
        assertBadRequest(memory.put(profile, "{\"language\": \"French!\"}"), "language must be an ISO 639 code");
        assertBadRequest(memory.delete(profile + "/shoeSize"), "field must be one of [name, homeCity, units");
        assertBadRequest(memory.get("/api/memory/users/ana%20smith/conversations"), "userId must be");
        assertThat(memory.get("/api/memory/users/" + user() + "/nothing-here").status()).isEqualTo(404);
    }

    @Test
    void logsIdsButNeverWhatWasSaidOrStored(CapturedOutput output) {
        String user = user();
        String conversation = "conv-" + UUID.randomUUID();
        turn(conversation, user, "user", "I live in Zanzibarville. My secret is Quokka-7731.");
        await().atMost(VISIBLE).until(() -> !memory.get("/api/memory/users/" + user + "/profile").json()
                .get("homeCity").isNull());
        assertThat(memory.put("/api/memory/users/" + user + "/profile", "{\"name\": \"Wombatina\"}").status())
                .isEqualTo(200);
        memory.put("/api/memory/users/" + user + "/profile", "{\"name\": \"Platypodia\", \"oops\": 1}");
        memory.put("/api/memory/users/" + user + "/profile", "{\"name\": \"Echidnara\"");
        memory.get("/api/memory/users/" + user + "/conversations/" + conversation);
        assertThat(memory.delete("/api/memory/users/" + user).status()).isEqualTo(204);

        assertThat(output.getAll()).contains(user);
        assertThat(output.getAll()).doesNotContain("Zanzibarville", "Quokka-7731", "Wombatina", "Platypodia",
                "Echidnara");
    }

    @Test
    void reportsTheStreamInHealthAndServesMetricsTaggedWithTheService() {
        assertThat(memory.get("/actuator/health/liveness").body()).contains("\"status\":\"UP\"")
                .contains("memoryStreamsLiveness");
        Response readiness = memory.get("/actuator/health/readiness");
        assertThat(readiness.status()).isEqualTo(200);
        assertThat(readiness.body()).contains("memoryStreamsReadiness").contains("RUNNING");
        memory.get("/api/memory/users/" + user() + "/profile");

        assertThat(memory.get("/actuator/prometheus").body())
                .contains("memory_reads_total{route=\"local\",service=\"memory-store\"}");
    }

    private static void assertBadRequest(Response response, String detail) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asString()).contains(detail);
    }

    private static List<String> texts(JsonNode turns) {
        return StreamSupport.stream(turns.spliterator(), false).map(turn -> turn.get("text").asString()).toList();
    }

    private static String user() {
        return "user-" + UUID.randomUUID();
    }

    private static void turn(String conversationId, String userId, String role, String text) {
        publisher.publish(Topics.CONVERSATION_EVENTS, conversationId, new TurnRecorded(new TaskHeader(Ids.newId(),
                Instant.now(), 1, Ids.newId(), conversationId), role, text, userId));
    }

}
