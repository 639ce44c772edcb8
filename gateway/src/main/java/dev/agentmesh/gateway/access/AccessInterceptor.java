package dev.agentmesh.gateway.access;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

import java.util.Map;
import java.util.Optional;

/**
 * Admits a realtime client at the handshake: 401 without a valid credential. The admitted client's identity
 * travels in the session attributes; the session limit per client is applied once the socket is open.
 */
@Component
public class AccessInterceptor implements HandshakeInterceptor {

    /** Session attribute naming the admitted client. */
    public static final String CLIENT = "agent-mesh.client";
    /** Session attribute naming whose memory the session uses, when it has one. */
    public static final String USER = "agent-mesh.user";

    private static final Logger log = LoggerFactory.getLogger(AccessInterceptor.class);

    private final ClientAuthenticator authenticator;

    public AccessInterceptor(ClientAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
                                   Map<String, Object> attributes) {
        Optional<String> client = authenticator.authenticate(request.getHeaders(), request.getURI(),
                request.getRemoteAddress());
        if (client.isEmpty()) {
            log.info("Refused a realtime client without a valid credential from {}", request.getRemoteAddress());
            response.setStatusCode(HttpStatus.UNAUTHORIZED);
            return false;
        }
        attributes.put(CLIENT, client.get());
        authenticator.user(request.getHeaders(), request.getURI(), client.get())
                .ifPresent(user -> attributes.put(USER, user));
        return true;
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
                               Exception exception) {
    }
}
