package dev.agentmesh.gateway.access;

import dev.agentmesh.gateway.GatewayProperties;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriComponentsBuilder;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * Decides who a connecting client is: with {@code mode=none} its address; with a shared token or a JWT (see
 * {@link JwtVerifier}) the credential it presents as {@code Authorization: Bearer}, as the {@code openai-insecure-api-key.*}
 * subprotocol or as the {@code access_token} query parameter. The credential never leaves the gateway.
 */
@Component
public class ClientAuthenticator {

    private static final String SUBPROTOCOL_PREFIX = "openai-insecure-api-key.";

    private final GatewayProperties.Access access;
    private final JwtVerifier jwt;

    public ClientAuthenticator(GatewayProperties properties) {
        this.access = properties.access();
        this.jwt = access.mode() == GatewayProperties.Access.Mode.JWT ? new JwtVerifier(access.jwt()) : null;
    }

    public boolean required() {
        return access.mode() != GatewayProperties.Access.Mode.NONE;
    }

    /** The client's identity, or empty when it presented no valid credential. */
    public Optional<String> authenticate(HttpHeaders headers, URI uri, InetSocketAddress remote) {
        if (!required()) {
            return Optional.of("address:" + (remote == null ? "unknown" : remote.getAddress().getHostAddress()));
        }
        return credential(headers, uri).flatMap(credential -> switch (access.mode()) {
            case TOKEN -> access.tokens().stream().filter(token -> constantTimeEquals(token, credential))
                    .findFirst().map(token -> "token:" + fingerprint(token));
            case JWT -> jwt.verify(credential).map(subject -> "jwt:" + subject);
            case NONE -> Optional.of("anonymous");
        });
    }

    /** Header (HTTP) or query parameter (WebSocket, where browsers cannot set headers) naming a browser's user. */
    public static final String USER_HEADER = "X-Agent-Mesh-User";
    private static final java.util.regex.Pattern BROWSER_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{8,64}");

    /**
     * Whose memory (conversations, profile) a request may use, given the client {@link #authenticate} admitted:
     * with a token or a JWT that client itself; without access control the id the browser keeps for itself
     * ({@code X-Agent-Mesh-User} or {@code user_id}), which is a convenience, not a security boundary. Empty: no
     * memory for this request.
     */
    public Optional<String> user(HttpHeaders headers, URI uri, String client) {
        if (required()) {
            return Optional.of(client);
        }
        String id = headers.getFirst(USER_HEADER);
        if (id == null && uri != null) {
            id = UriComponentsBuilder.fromUri(uri).build().getQueryParams().getFirst("user_id");
        }
        return id != null && BROWSER_ID.matcher(id).matches() ? Optional.of("browser:" + id) : Optional.empty();
    }

    static Optional<String> credential(HttpHeaders headers, URI uri) {
        String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(authorization.substring(7).strip());
        }
        List<String> protocols = headers.get("Sec-WebSocket-Protocol");
        if (protocols != null) {
            for (String header : protocols) {
                for (String protocol : header.split(",")) {
                    if (protocol.strip().startsWith(SUBPROTOCOL_PREFIX)) {
                        return Optional.of(protocol.strip().substring(SUBPROTOCOL_PREFIX.length()));
                    }
                }
            }
        }
        if (uri != null) {
            String token = UriComponentsBuilder.fromUri(uri).build().getQueryParams().getFirst("access_token");
            if (token != null && !token.isBlank()) {
                return Optional.of(java.net.URLDecoder.decode(token, StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** Names a token in logs and metrics without revealing it. */
    private static String fingerprint(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
