package dev.agentmesh.gateway.realtime;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Opens the upstream realtime socket for a session, with the server's API key in the Authorization header.
 * Nothing the client sent (headers, subprotocols, query) goes upstream. Which WebSocket client does it is
 * {@code gateway.upstream.client} ({@link UpstreamClientConfiguration}).
 */
interface UpstreamConnector {

    URI endpoint();

    /**
     * Opens a socket: each whole text message goes to {@code onText}, its end (with why, once or more) to
     * {@code onLost}. The future fails when the socket cannot be opened.
     */
    CompletableFuture<Socket> connect(Consumer<String> onText, Consumer<String> onLost);

    /** The same, with the upstream socket near {@code beside} (the client's) where the client can place it. */
    default CompletableFuture<Socket> connect(Consumer<String> onText, Consumer<String> onLost,
                                              io.netty.channel.Channel beside) {
        return connect(onText, onLost);
    }

    /** One open upstream socket. Thread-safe. */
    interface Socket {

        /**
         * Starts sending one whole text message; the stage completes when the socket has taken it (a client may
         * buffer a bounded amount itself). Messages are sent in the order of the calls.
         */
        CompletionStage<?> sendText(String text);

        /** Sends a normal close (1000) with {@code reason}. */
        void close(String reason);
    }
}
