package dev.agentmesh.gateway;

import org.awaitility.Awaitility;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A realtime client over a real WebSocket: sends events, keeps every event it receives, sees the close. */
public final class RealtimeTestClient implements AutoCloseable {

    private final WebSocket socket;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final java.util.concurrent.atomic.AtomicBoolean reading = new java.util.concurrent.atomic.AtomicBoolean(true);
    private final java.util.concurrent.atomic.AtomicBoolean stalled = new java.util.concurrent.atomic.AtomicBoolean();

    private RealtimeTestClient(URI uri, java.util.Map<String, String> headers, List<String> subprotocols) {
        StringBuilder partial = new StringBuilder();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        headers.forEach(builder::header);
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(subprotocols.getFirst(), subprotocols.subList(1, subprotocols.size())
                    .toArray(String[]::new));
        }
        this.socket = builder
                .buildAsync(uri, new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            received.add(partial.toString());
                            partial.setLength(0);
                        }
                        if (reading.get()) {
                            webSocket.request(1);
                        } else {
                            stalled.set(true);
                        }
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closeCode.complete(statusCode);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        closeCode.complete(-1);
                    }
                }).join();
    }

    public static RealtimeTestClient connect(String url) {
        return new RealtimeTestClient(URI.create(url), java.util.Map.of(), List.of());
    }

    /** Connects with extra handshake headers and offered subprotocols; a refused handshake throws. */
    public static RealtimeTestClient connect(String url, java.util.Map<String, String> headers,
                                             String... subprotocols) {
        return new RealtimeTestClient(URI.create(url), headers, List.of(subprotocols));
    }

    public String subprotocol() {
        return socket.getSubprotocol();
    }

    public void send(String event) {
        socket.sendText(event, true).join();
    }

    /** One text message in several frames (a first frame and continuations), as large messages may arrive. */
    public void sendInParts(String... parts) {
        for (int i = 0; i < parts.length; i++) {
            socket.sendText(parts[i], i == parts.length - 1).join();
        }
    }

    public void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    /** Stops taking messages off the socket, as a client on a stalled network would. */
    public void stopReading() {
        reading.set(false);
    }

    public void resumeReading() {
        reading.set(true);
        if (stalled.getAndSet(false)) {
            socket.request(1);
        }
    }

    public List<String> received() {
        return List.copyOf(received);
    }

    public List<String> received(String type) {
        return received.stream().filter(event -> event.contains("\"type\":\"" + type + "\"")).toList();
    }

    public String awaitEvent(String type, Predicate<String> condition, Duration atMost) {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(10))
                .until(() -> received(type).stream().anyMatch(condition));
        return received(type).stream().filter(condition).findFirst().orElseThrow();
    }

    public String awaitEvent(String type) {
        return awaitEvent(type, event -> true, Duration.ofSeconds(20));
    }

    public CompletableFuture<Integer> closeCode() {
        return closeCode;
    }

    public void sendText(String text) {
        send("{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"message\",\"role\":\"user\","
                + "\"content\":[{\"type\":\"input_text\",\"text\":\"" + text.replace("\"", "\\\"") + "\"}]}}");
        send("{\"type\":\"response.create\"}");
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        }
    }
}
