package dev.agentmesh.memory.store;

import dev.agentmesh.events.Ids;
import dev.agentmesh.events.TaskHeader;
import dev.agentmesh.events.Topics;
import dev.agentmesh.events.TurnRecorded;
import dev.agentmesh.memory.MemoryInstance;
import dev.agentmesh.testing.EventProbe;
import dev.agentmesh.testing.EventPublisher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Forget-me, then restarts: once from an empty state directory (every store restored from its changelog), once
 * from the directory the previous instance left. What was kept comes back; the forgotten user stays gone.
 */
class ForgetAndRestartIT {

    private static final Duration VISIBLE = Duration.ofSeconds(30);

    private final String applicationId = "memory-restart-it-" + UUID.randomUUID();
    private final String kept = "kept-" + UUID.randomUUID();
    private final String forgotten = "forgotten-" + UUID.randomUUID();
    private MemoryInstance memory;

    @AfterEach
    void stop() {
        if (memory != null) {
            memory.close();
        }
    }

    @Test
    void forgetMeLeavesNothingReadableAlsoAfterRestartsWhileWhatWasKeptSurvives() throws Exception {
        Path firstDir = Files.createTempDirectory("memory-restart-a");
        memory = MemoryInstance.start(applicationId, firstDir).awaitRunning();
        try (EventPublisher publisher = new EventPublisher()) {
            turn(publisher, "conv-kept", kept, "I live in Lyon", Instant.now());
            turn(publisher, "conv-forgotten", forgotten, "I'm from Berlin", Instant.now());
            assertThat(memory.put("/api/memory/users/" + kept + "/profile", "{\"name\": \"Kim\"}").status())
                    .isEqualTo(200);
            assertThat(memory.put("/api/memory/users/" + forgotten + "/profile", "{\"units\": \"imperial\"}").status())
                    .isEqualTo(200);
            await().atMost(VISIBLE).until(() -> hasEverything(memory, kept) && hasEverything(memory, forgotten));
            Instant beforeForget = Instant.now().minusMillis(200);

            try (EventProbe profiles = EventProbe.on(Topics.USER_PROFILES)) {
                assertThat(memory.delete("/api/memory/users/" + forgotten).status()).isEqualTo(204);

                assertNothingAbout(memory, forgotten);
                await().atMost(VISIBLE).until(() -> profiles.records().stream()
                        .anyMatch(record -> record.key().equals(forgotten) && record.value() == null));
            }
            // a turn that happened before the forget but reaches the store after it is not kept
            turn(publisher, "conv-forgotten", forgotten, "I'm from Berlin, again", beforeForget);
            turn(publisher, "conv-kept", kept, "and a marker turn after it", Instant.now());
            await().atMost(VISIBLE).until(() -> memory.get("/api/memory/users/" + kept
                    + "/conversations/conv-kept").body().contains("marker turn"));
            assertNothingAbout(memory, forgotten);
        }

        memory.close();
        memory = MemoryInstance.start(applicationId, Files.createTempDirectory("memory-restart-b")).awaitRunning();
        assertKeptSurvived(memory);
        assertNothingAbout(memory, forgotten);

        memory.close();
        memory = MemoryInstance.start(applicationId, firstDir).awaitRunning();
        assertKeptSurvived(memory);
        assertNothingAbout(memory, forgotten);
    }

    private void assertKeptSurvived(MemoryInstance instance) {
        var conversation = instance.get("/api/memory/users/" + kept + "/conversations/conv-kept");
        assertThat(conversation.status()).isEqualTo(200);
        assertThat(conversation.json().get("turns")).hasSize(2);
        var profile = instance.get("/api/memory/users/" + kept + "/profile").json();
        assertThat(profile.get("name").get("value").asString()).isEqualTo("Kim");
        assertThat(profile.get("homeCity").get("value").asString()).isEqualTo("Lyon");
    }

    private static void assertNothingAbout(MemoryInstance instance, String userId) {
        assertThat(instance.get("/api/memory/users/" + userId + "/conversations").body()).isEqualTo("[]");
        assertThat(instance.get("/api/memory/users/" + userId + "/conversations/conv-forgotten").status())
                .isEqualTo(404);
        var profile = instance.get("/api/memory/users/" + userId + "/profile");
        assertThat(profile.status()).isEqualTo(200);
        assertThat(profile.json().get("units").isNull()).isTrue();
        assertThat(profile.json().get("homeCity").isNull()).isTrue();
        assertThat(profile.json().get("updatedAt").isNull()).isTrue();
    }

    private static boolean hasEverything(MemoryInstance instance, String userId) {
        var profile = instance.get("/api/memory/users/" + userId + "/profile").json();
        return !profile.get("homeCity").isNull() && instance.get("/api/memory/users/" + userId + "/conversations")
                .json().size() == 1;
    }

    private static void turn(EventPublisher publisher, String conversationId, String userId, String text, Instant at) {
        publisher.publish(Topics.CONVERSATION_EVENTS, conversationId, new TurnRecorded(new TaskHeader(Ids.newId(), at,
                1, Ids.newId(), conversationId), "user", text, userId));
    }
}
