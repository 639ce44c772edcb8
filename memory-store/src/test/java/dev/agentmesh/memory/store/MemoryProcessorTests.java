package dev.agentmesh.memory.store;

import dev.agentmesh.events.Event;
import dev.agentmesh.events.Ids;
import dev.agentmesh.events.MemoryCommand;
import dev.agentmesh.events.ProfileFact;
import dev.agentmesh.events.ProfileUpdateRequested;
import dev.agentmesh.events.TaskHeader;
import dev.agentmesh.events.Topics;
import dev.agentmesh.events.TurnRecorded;
import dev.agentmesh.events.UserForgetRequested;
import dev.agentmesh.events.UserProfile;
import dev.agentmesh.events.kafka.EventSerde;
import dev.agentmesh.memory.history.HistoryLimits;
import dev.agentmesh.memory.history.Turn;
import dev.agentmesh.memory.history.UserHistory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The topology on Kafka Streams' test driver: what the processor keeps, publishes, purges and expires. */
class MemoryProcessorTests {

    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private static final Duration RETENTION = Duration.ofDays(30);

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, Event> conversationEvents;
    private TestInputTopic<String, Event> commands;
    private TestOutputTopic<String, Event> profiles;

    @BeforeEach
    void startDriver() {
        StreamsBuilder builder = new StreamsBuilder();
        MemorySettings settings = new MemorySettings(new HistoryLimits(3, 4, 1000), RETENTION, Duration.ofMinutes(10),
                true);
        MemoryMetrics metrics = new MemoryMetrics(new SimpleMeterRegistry());
        MemoryTopology.define(builder, 2, 1000,
                () -> new MemoryProcessor(settings, metrics, Clock.fixed(NOW, ZoneOffset.UTC)));
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "memory-test");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(builder.build(), properties, NOW);
        EventSerde events = new EventSerde();
        conversationEvents = driver.createInputTopic(Topics.CONVERSATION_EVENTS, Serdes.String().serializer(),
                events.serializer());
        commands = driver.createInputTopic(Topics.MEMORY_COMMANDS, Serdes.String().serializer(), events.serializer());
        profiles = driver.createOutputTopic(Topics.USER_PROFILES, Serdes.String().deserializer(),
                events.deserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void keepsTurnsPerUserAndIgnoresTurnsWithoutOne() {
        turn("c-1", "ana", "user", "What's the weather?", NOW);
        turn("c-1", "ana", "assistant", "Sunny.", NOW.plusSeconds(1));
        turn("c-2", null, "user", "Anonymous turn", NOW);
        turn("c-3", "bob", "user", "Hello", NOW);

        assertThat(history("ana").conversation("c-1").orElseThrow().turns()).extracting(Turn::role, Turn::text)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("user", "What's the weather?"),
                        org.assertj.core.groups.Tuple.tuple("assistant", "Sunny."));
        assertThat(history("ana").conversations()).hasSize(1);
        assertThat(history("bob").conversations()).hasSize(1);
        try (var all = conversationsStore().all()) {
            assertThat(all).toIterable().extracting(entry -> entry.key).containsExactlyInAnyOrder("ana", "bob");
        }
    }

    @Test
    void learnsAFactAndPublishesTheProfileButNeverOverridesAUserSetField() {
        command(ProfileUpdateRequested.of("ana", null, "Paris", null, null, null));
        turn("c-1", "ana", "user", "I live in Lyon. My name is Ana.", NOW);

        UserProfile published = (UserProfile) profiles.readValuesToList().getLast();
        assertThat(published.homeCity()).isEqualTo(ProfileFact.setByUser("Paris", NOW));
        assertThat(published.name().value()).isEqualTo("Ana");
        assertThat(published.name().learnedFrom()).isEqualTo("My name is Ana.");
    }

    @Test
    void forgetMePurgesHistoryAndProfilePublishesATombstoneAndIgnoresOlderTurnsArrivingLate() {
        turn("c-1", "ana", "user", "I live in Lyon", NOW.minusSeconds(10));
        profiles.readValuesToList();

        command(UserForgetRequested.of("ana"));
        turn("c-1", "ana", "user", "a turn from before the forget, arriving late", NOW.minusSeconds(5));

        var tombstone = profiles.readKeyValue();
        assertThat(tombstone.key).isEqualTo("ana");
        assertThat(tombstone.value).isNull();
        assertThat(conversationsStore().get("ana")).isNull();
        assertThat(profilesStore().get("ana")).isNull();

        turn("c-9", "ana", "user", "Hello again", Instant.now().plusSeconds(1));
        assertThat(history("ana").conversations()).extracting(c -> c.conversationId()).containsExactly("c-9");
    }

    @Test
    void dropsConversationsNotUpdatedWithinTheRetention() {
        turn("c-old", "ana", "user", "old", NOW.minus(Duration.ofDays(29)));
        turn("c-new", "ana", "user", "new", NOW);
        turn("c-ancient", "ana", "user", "older than the retention", NOW.minus(Duration.ofDays(31)));

        driver.advanceWallClockTime(Duration.ofDays(2));

        assertThat(history("ana").conversations()).extracting(c -> c.conversationId()).containsExactly("c-new");
    }

    @Test
    void ignoresACommandKeyedByAnotherUser() {
        commands.pipeInput("bob", ProfileUpdateRequested.of("ana", "Ana", null, null, null, null));

        assertThat(profilesStore().get("ana")).isNull();
        assertThat(profilesStore().get("bob")).isNull();
    }

    private void turn(String conversationId, String userId, String role, String text, Instant at) {
        conversationEvents.pipeInput(conversationId, new TurnRecorded(new TaskHeader(Ids.newId(), at, 1, Ids.newId(),
                conversationId), role, text, userId));
    }

    private void command(MemoryCommand command) {
        commands.pipeInput(command.userId(), command);
    }

    private UserHistory history(String userId) {
        UserHistory history = conversationsStore().get(userId);
        return history == null ? UserHistory.empty() : history;
    }

    private KeyValueStore<String, UserHistory> conversationsStore() {
        return driver.getKeyValueStore(MemoryStores.CONVERSATIONS);
    }

    private KeyValueStore<String, UserProfile> profilesStore() {
        return driver.getKeyValueStore(MemoryStores.PROFILES);
    }

}
