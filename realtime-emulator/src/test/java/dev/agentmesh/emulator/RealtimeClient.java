package dev.agentmesh.emulator;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A plain JDK WebSocket client that records every server event, as a relay or SDK would see them. */
final class RealtimeClient implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    final List<JsonNode> events = new CopyOnWriteArrayList<>();
    final WebSocket socket;
    private final StringBuilder partial = new StringBuilder();

    private RealtimeClient(URI uri, Consumer<WebSocket.Builder> handshake) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        handshake.accept(builder);
        this.socket = builder.buildAsync(uri, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    events.add(JSON.readTree(partial.toString()));
                    partial.setLength(0);
                }
                webSocket.request(1);
                return null;
            }
        }).join();
    }

    static RealtimeClient connect(URI uri, Consumer<WebSocket.Builder> handshake) {
        return new RealtimeClient(uri, handshake);
    }

    RealtimeClient send(String json) {
        socket.sendText(json, true).join();
        return this;
    }

    JsonNode awaitEvent(String type) {
        await().atMost(Duration.ofSeconds(20)).until(() -> types().contains(type));
        return last(type);
    }

    JsonNode last(String type) {
        return events.reversed().stream().filter(event -> type.equals(event.get("type").asString())).findFirst().orElseThrow();
    }

    List<JsonNode> all(String type) {
        return events.stream().filter(event -> type.equals(event.get("type").asString())).toList();
    }

    List<String> types() {
        return events.stream().map(event -> event.get("type").asString()).toList();
    }

    void clear() {
        events.clear();
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }
}
