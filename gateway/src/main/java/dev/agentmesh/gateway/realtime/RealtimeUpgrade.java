package dev.agentmesh.gateway.realtime;

import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.adapter.ReactorNettyWebSocketSession;
import org.springframework.web.reactive.socket.server.RequestUpgradeStrategy;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

import java.util.function.Supplier;

/**
 * Upgrades on Reactor Netty as Spring's own strategy does, but hands the handler a session that exposes the socket's
 * Reactor Netty sides (the relay reads frames unaggregated and writes to the Netty channel itself) and carries the
 * handshake's {@value #SESSION_ATTRIBUTES}* exchange attributes.
 */
final class RealtimeUpgrade implements RequestUpgradeStrategy {

    /** A Reactor Netty session whose inbound and outbound sides the relay may use directly. */
    static final class Socket extends ReactorNettyWebSocketSession {

        Socket(WebsocketInbound inbound, WebsocketOutbound outbound, HandshakeInfo info,
               NettyDataBufferFactory buffers, int maxFrameBytes) {
            super(inbound, outbound, info, buffers, maxFrameBytes);
        }

        WebsocketInbound inbound() {
            return getDelegate().getInbound();
        }

        WebsocketOutbound outbound() {
            return getDelegate().getOutbound();
        }
    }

    /** Exchange attributes under this prefix (the admitted client's identity) become the session's. */
    static final String SESSION_ATTRIBUTES = "agent-mesh.";

    private final WebsocketServerSpec spec;

    RealtimeUpgrade(WebsocketServerSpec spec) {
        this.spec = spec;
    }

    @Override
    public Mono<Void> upgrade(ServerWebExchange exchange, WebSocketHandler handler, String subProtocol,
                              Supplier<HandshakeInfo> handshakeInfoFactory) {
        ServerHttpResponse response = exchange.getResponse();
        HttpServerResponse reactorResponse = ServerHttpResponseDecorator.getNativeResponse(response);
        HandshakeInfo info = handshakeInfoFactory.get();
        NettyDataBufferFactory buffers = (NettyDataBufferFactory) response.bufferFactory();
        WebsocketServerSpec.Builder negotiated = WebsocketServerSpec.builder()
                .maxFramePayloadLength(spec.maxFramePayloadLength()).handlePing(spec.handlePing());
        if (subProtocol != null) {
            negotiated.protocols(subProtocol);
        }
        // the status is committed with the upgrade response, not before
        return response.setComplete().then(Mono.defer(() -> reactorResponse.sendWebsocket((inbound, outbound) -> {
            Socket socket = new Socket(inbound, outbound, info, buffers, spec.maxFramePayloadLength());
            exchange.getAttributes().forEach((name, value) -> {
                if (name.startsWith(SESSION_ATTRIBUTES)) {
                    socket.getAttributes().put(name, value);
                }
            });
            return handler.handle(socket);
        }, negotiated.build())));
    }
}
