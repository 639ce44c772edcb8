package dev.agentmesh.gateway.realtime;

import dev.agentmesh.gateway.GatewayProperties;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** The upstream socket on the JDK's {@link java.net.http.WebSocket} ({@code gateway.upstream.client=jdk}). */
final class JdkUpstreamConnector implements UpstreamConnector {

    private final HttpClient http = HttpClient.newBuilder().build();
    private final GatewayProperties.Upstream upstream;
    private final URI endpoint;

    JdkUpstreamConnector(GatewayProperties.Upstream upstream) {
        this.upstream = upstream;
        this.endpoint = upstream.endpoint();
    }

    @Override
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public CompletableFuture<Socket> connect(Consumer<String> onText, Consumer<String> onLost) {
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(upstream.connectTimeout());
        if (!upstream.offline()) {
            builder.header("Authorization", "Bearer " + upstream.apiKey());
        }
        return builder.buildAsync(endpoint, new Listener(onText, onLost)).thenApply(socket -> new Socket() {
            @Override
            public CompletionStage<?> sendText(String text) {
                return socket.sendText(text, true);
            }

            @Override
            public void close(String reason) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, reason);
            }
        });
    }

    /** Hands each whole text message on; the realtime protocol has no binary messages. */
    private static final class Listener implements WebSocket.Listener {

        private final Consumer<String> onText;
        private final Consumer<String> onLost;
        private final StringBuilder partial = new StringBuilder();

        Listener(Consumer<String> onText, Consumer<String> onLost) {
            this.onText = onText;
            this.onLost = onLost;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            if (last && partial.isEmpty()) {
                onText.accept(data.toString());
            } else {
                partial.append(data);
                if (last) {
                    onText.accept(partial.toString());
                    partial.setLength(0);
                }
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket socket, java.nio.ByteBuffer data, boolean last) {
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            onLost.accept("closed with code " + statusCode + (reason.isBlank() ? "" : " (" + reason + ")"));
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            onLost.accept("connection failed: " + error.getClass().getSimpleName());
        }
    }
}
