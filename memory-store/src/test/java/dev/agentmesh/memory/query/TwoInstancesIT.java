package dev.agentmesh.memory.query;

import dev.agentmesh.events.Ids;
import dev.agentmesh.events.TaskHeader;
import dev.agentmesh.events.Topics;
import dev.agentmesh.events.TurnRecorded;
import dev.agentmesh.memory.MemoryInstance;
import dev.agentmesh.memory.store.MemoryStores;
import dev.agentmesh.testing.EventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances share the users' partitions; each answers for every user, fetching those it does not own from
 * the other. When one stops, the other takes its partitions over and answers alone.
 */
class TwoInstancesIT {

    private MemoryInstance first;
    private MemoryInstance second;

    @AfterEach
    void stop() {
        for (MemoryInstance instance : new MemoryInstance[] {first, second}) {
            if (instance != null) {
                instance.close();
            }
        }
    }

    @Test
    void eachInstanceAnswersForUsersTheOtherOwnsAndOneTakesOverWhenTheOtherStops() throws Exception {
        String applicationId = "memory-two-it-" + UUID.randomUUID();
        first = MemoryInstance.start(applicationId, Files.createTempDirectory("memory-two-a"));
        second = MemoryInstance.start(applicationId, Files.createTempDirectory("memory-two-b"));
        first.awaitRunning();
        second.awaitRunning();
        await().atMost(Duration.ofSeconds(60)).until(() -> ownsSomething(first) && ownsSomething(second));

        List<String> users = IntStream.range(0, 12).mapToObj(i -> "two-" + i + "-" + UUID.randomUUID()).toList();
        try (EventPublisher publisher = new EventPublisher()) {
            for (String user : users) {
                publisher.publish(Topics.CONVERSATION_EVENTS, "conv-" + user,
                        new TurnRecorded(new TaskHeader(Ids.newId(), Instant.now(), 1, Ids.newId(), "conv-" + user),
                        "user", "Hello from " + user, user));
            }
        }

        for (String user : users) {
            for (MemoryInstance instance : List.of(first, second)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> instance.get("/api/memory/users/" + user
                        + "/conversations/conv-" + user).status() == 200);
            }
        }
        assertThat(users).anyMatch(user -> owner(user).equals(first.address()))
                .anyMatch(user -> owner(user).equals(second.address()));
        assertThat(remoteReads(first)).isPositive();
        assertThat(remoteReads(second)).isPositive();

        String ownedBySecond = users.stream().filter(user -> owner(user).equals(second.address())).findFirst()
                .orElseThrow();
        var written = first.put("/api/memory/users/" + ownedBySecond + "/profile", "{\"homeCity\": \"Oslo\"}");
        assertThat(written.status()).isEqualTo(200);
        assertThat(written.json().get("homeCity").get("value").asString()).isEqualTo("Oslo");

        second.close();
        for (String user : users) {
            await().atMost(Duration.ofSeconds(60)).until(() -> first.get("/api/memory/users/" + user
                    + "/conversations/conv-" + user).status() == 200);
        }
        assertThat(first.get("/api/memory/users/" + ownedBySecond + "/profile").json().get("homeCity").get("value")
                .asString()).isEqualTo("Oslo");
    }

    private String owner(String user) {
        HostInfo host = first.streams().queryMetadataForKey(MemoryStores.CONVERSATIONS, user,
                Serdes.String().serializer()).activeHost();
        return host.host() + ":" + host.port();
    }

    private static boolean ownsSomething(MemoryInstance instance) {
        return instance.streams().metadataForLocalThreads().stream()
                .anyMatch(thread -> !thread.activeTasks().isEmpty());
    }

    private static double remoteReads(MemoryInstance instance) {
        var counter = instance.bean(MeterRegistry.class).find("memory_reads").tag("route", "remote").counter();
        return counter == null ? 0 : counter.count();
    }
}
