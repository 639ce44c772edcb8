package dev.agentmesh.emulator.session;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import dev.agentmesh.emulator.audio.SpeechSynthesizer;
import dev.agentmesh.emulator.transcription.PhraseBook;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Drives an {@link EmulatedSession} by hand: tasks run only when the test says so. */
final class SessionHarness implements SerialExecutor {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final PhraseBook VOICE = PhraseBook.start(SpeechSynthesizer.bestAvailable(),
            java.util.List.of("I live in Lyon.", "What's the weather in Paris and any news about France?"), 50);

    private final Deque<Runnable> tasks = new ArrayDeque<>();
    private final List<JsonNode> events = new ArrayList<>();
    final List<String> clientEventTypes = new ArrayList<>();
    final EmulatedSession session;

    SessionHarness() {
        session = new EmulatedSession("gpt-realtime", VOICE, this, json -> events.add(JSON.readTree(json)),
                EmulatedSession.Options.defaults(), clientEventTypes::add);
        session.open();
        runAll();
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    @Override
    public void schedule(Runnable task, Duration delay) {
        tasks.add(task);
    }

    SessionHarness send(String json) {
        session.receive(json);
        return this;
    }

    /** Runs queued work, including everything it queues, until the session is idle. */
    SessionHarness runAll() {
        while (!tasks.isEmpty()) {
            tasks.poll().run();
        }
        return this;
    }

    /** Runs exactly this many queued tasks. */
    SessionHarness runTasks(int count) {
        for (int i = 0; i < count && !tasks.isEmpty(); i++) {
            tasks.poll().run();
        }
        return this;
    }

    /** Runs queued tasks one by one until an event of this type has been sent. */
    SessionHarness runUntil(String type) {
        while (!types().contains(type) && !tasks.isEmpty()) {
            tasks.poll().run();
        }
        return this;
    }

    List<JsonNode> events() {
        return events;
    }

    List<String> types() {
        return events.stream().map(event -> event.get("type").asString()).toList();
    }

    JsonNode last(String type) {
        return events.reversed().stream().filter(event -> type.equals(event.get("type").asString())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " in " + types()));
    }

    List<JsonNode> all(String type) {
        return events.stream().filter(event -> type.equals(event.get("type").asString())).toList();
    }

    void clear() {
        events.clear();
    }

    static String userText(String text) {
        return "{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"message\",\"role\":\"user\","
                + "\"content\":[{\"type\":\"input_text\",\"text\":\"" + text + "\"}]}}";
    }
}
