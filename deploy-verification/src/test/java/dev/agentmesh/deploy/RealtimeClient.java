package dev.agentmesh.deploy;

import org.awaitility.Awaitility;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A realtime client of the gateway over a real WebSocket: sends text turns, keeps every server event it receives. */
final class RealtimeClient implements AutoCloseable {

    private final WebSocket socket;
    private final List<String> received = new CopyOnWriteArrayList<>();

    private RealtimeClient(URI uri, Map<String, String> headers) {
        StringBuilder partial = new StringBuilder();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        headers.forEach(builder::header);
        socket = builder.buildAsync(uri, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    received.add(partial.toString());
                    partial.setLength(0);
                }
                webSocket.request(1);
                return null;
            }
        }).join();
    }

    static RealtimeClient connect(String url, Map<String, String> headers) {
        return new RealtimeClient(URI.create(url), headers);
    }

    void sendText(String text) {
        send("{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"message\",\"role\":\"user\","
                + "\"content\":[{\"type\":\"input_text\",\"text\":\"" + text.replace("\"", "\\\"") + "\"}]}}");
        send("{\"type\":\"response.create\"}");
    }

    private void send(String event) {
        socket.sendText(event, true).join();
    }

    String awaitEvent(String type, Predicate<String> condition, Duration atMost) {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(20))
                .until(() -> ofType(type).stream().anyMatch(condition));
        return ofType(type).stream().filter(condition).findFirst().orElseThrow();
    }

    private List<String> ofType(String type) {
        return received.stream().filter(event -> event.contains("\"type\":\"" + type + "\"")).toList();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        }
    }
}
