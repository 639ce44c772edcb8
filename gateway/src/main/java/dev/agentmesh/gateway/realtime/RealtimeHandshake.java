package dev.agentmesh.gateway.realtime;

import dev.agentmesh.gateway.access.HandshakeAccess;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.WebsocketServerSpec;

import java.nio.charset.StandardCharsets;

/**
 * The realtime handshake: a full gateway refuses with 503 before it spends anything on the client (its credential
 * included), a client without a valid credential gets 401, and an admitted one is upgraded with its identity in the
 * session's attributes. (The Origin allow-list is checked before, by the handler mapping's CORS rule.)
 */
final class RealtimeHandshake implements WebSocketService {

    private final CapacityGuard capacity;
    private final HandshakeAccess access;
    private final HandshakeWebSocketService upgrade;

    /**
     * {@code maxFrameBytes}: the largest frame Netty's decoder takes whole; a client message may also come in parts,
     * which {@link ClientFrames} bounds by the same limit.
     */
    RealtimeHandshake(CapacityGuard capacity, HandshakeAccess access, int maxFrameBytes) {
        this.capacity = capacity;
        this.access = access;
        // pings are answered by Reactor Netty; client close frames are answered and end the inbound stream
        this.upgrade = new HandshakeWebSocketService(new RealtimeUpgrade(
                WebsocketServerSpec.builder().maxFramePayloadLength(maxFrameBytes).handlePing(false).build()));
        this.upgrade.start();
    }

    @Override
    public Mono<Void> handleRequest(ServerWebExchange exchange, WebSocketHandler handler) {
        java.util.Optional<String> full = capacity.refusal();
        if (full.isPresent()) {
            return refuse(exchange.getResponse(), full.get());
        }
        // a JWT's keys may have to be fetched: never on the event loop
        return Mono.fromCallable(() -> access.admit(exchange.getRequest()))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(admitted -> {
                    if (admitted.isEmpty()) {
                        exchange.getResponse().setStatusCode(HttpStatus.UNAUTHORIZED);
                        return exchange.getResponse().setComplete();
                    }
                    exchange.getAttributes().putAll(admitted.get());
                    return upgrade.handleRequest(exchange, handler);
                });
    }

    private static Mono<Void> refuse(ServerHttpResponse response, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().setContentLength(bytes.length);
        response.getHeaders().set("Retry-After", String.valueOf(CapacityGuard.RETRY_AFTER_SECONDS));
        DataBuffer buffer = response.bufferFactory().wrap(bytes);
        return response.writeWith(Mono.just(buffer));
    }
}
