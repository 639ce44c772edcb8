package dev.agentmesh.gateway.access;

import dev.agentmesh.gateway.GatewayProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Decides who a connecting client is: with {@code mode=none} its address; with a shared token or an HS256 JWT
 * the credential it presents as {@code Authorization: Bearer}, as the {@code openai-insecure-api-key.*}
 * subprotocol or as the {@code access_token} query parameter. The credential never leaves the gateway.
 */
@Component
public class ClientAuthenticator {

    private static final String SUBPROTOCOL_PREFIX = "openai-insecure-api-key.";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final GatewayProperties.Access access;
    private final Clock clock;

    @Autowired
    public ClientAuthenticator(GatewayProperties properties) {
        this(properties.access(), Clock.systemUTC());
    }

    ClientAuthenticator(GatewayProperties.Access access, Clock clock) {
        this.access = access;
        this.clock = clock;
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
            case JWT -> verifyJwt(credential);
            case NONE -> Optional.of("anonymous");
        });
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

    private Optional<String> verifyJwt(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            if (!"HS256".equals(header.path("alg").asString())) {
                return Optional.empty();
            }
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(access.jwtSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!MessageDigest.isEqual(expected, Base64.getUrlDecoder().decode(parts[2]))) {
                return Optional.empty();
            }
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            if (claims.has("exp") && claims.path("exp").asLong() <= clock.instant().getEpochSecond()) {
                return Optional.empty();
            }
            String subject = claims.path("sub").asString("");
            return Optional.of("jwt:" + (subject.isBlank() ? "anonymous" : subject));
        } catch (GeneralSecurityException | RuntimeException invalid) {
            return Optional.empty();
        }
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
