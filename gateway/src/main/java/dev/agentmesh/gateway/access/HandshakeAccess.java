package dev.agentmesh.gateway.access;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.Optional;

/**
 * Admits a realtime client at the handshake: without a valid credential the handshake gets 401. The admitted
 * client's identity travels in the session attributes; the session limit per client is applied once the socket is
 * open.
 */
@Component
public class HandshakeAccess {

    /** Session attribute naming the admitted client. */
    public static final String CLIENT = "agent-mesh.client";
    /** Session attribute naming whose memory the session uses, when it has one. */
    public static final String USER = "agent-mesh.user";

    private static final Logger log = LoggerFactory.getLogger(HandshakeAccess.class);

    private final ClientAuthenticator authenticator;

    public HandshakeAccess(ClientAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    /** The session attributes of an admitted client ({@link #CLIENT}, and {@link #USER} when known); empty: 401. */
    public Optional<Map<String, Object>> admit(ServerHttpRequest request) {
        Optional<String> client = authenticator.authenticate(request.getHeaders(), request.getURI(),
                request.getRemoteAddress());
        if (client.isEmpty()) {
            log.info("Refused a realtime client without a valid credential from {}", request.getRemoteAddress());
            return Optional.empty();
        }
        Optional<String> user = authenticator.user(request.getHeaders(), request.getURI(), client.get());
        return Optional.of(user.<Map<String, Object>>map(name -> Map.of(CLIENT, client.get(), USER, name))
                .orElseGet(() -> Map.of(CLIENT, client.get())));
    }
}
