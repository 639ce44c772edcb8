package dev.agentmesh.gateway.access;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.agentmesh.gateway.GatewayProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Client JWTs as a hostile client would present them, against real nimbus verification and a JWKS served over
 * local HTTP: unsigned, algorithm confusion, missing or expired {@code exp}, future {@code nbf}, wrong issuer or
 * audience, wrong key, an over-long lifetime, and key rotation.
 */
class JwtVerifierTests {

    private static final String ISSUER = "https://login.example.com";
    private static final String AUDIENCE = "agent-mesh-gateway";
    private static final String SECRET = "a-shared-secret-of-at-least-32-characters!";

    private HttpServer jwks;
    private final AtomicReference<JWKSet> published = new AtomicReference<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private RSAKey rsa;
    private ECKey ec;

    @BeforeEach
    void publishKeys() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        published.set(new JWKSet(List.<JWK>of(rsa.toPublicJWK(), ec.toPublicJWK())));
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = published.get().toString(true).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jwks.start();
    }

    @AfterEach
    void stop() {
        jwks.stop(0);
    }

    @Test
    void validTokensNameTheirSubject() throws Exception {
        JwtVerifier asymmetric = jwksVerifier();
        assertThat(asymmetric.verify(sign(rsaSigner(rsa), JWSAlgorithm.RS256, rsa.getKeyID(), valid()))).contains("alice");
        assertThat(asymmetric.verify(sign(new ECDSASigner(ec), JWSAlgorithm.ES256, ec.getKeyID(), valid()))).contains("alice");
        assertThat(secretVerifier().verify(sign(new MACSigner(SECRET), JWSAlgorithm.HS256, null, valid())))
                .contains("alice");
    }

    @Test
    void anUnsignedTokenIsRefused() {
        String none = new PlainJWT(valid().build()).serialize();

        assertThat(jwksVerifier().verify(none)).isEmpty();
        assertThat(secretVerifier().verify(none)).isEmpty();
    }

    @Test
    void algorithmConfusionIsRefused() throws Exception {
        // HS256 keyed with the issuer's public key, which anybody can fetch
        byte[] publicKey = rsa.toRSAPublicKey().getEncoded();
        String confused = sign(new MACSigner(publicKey), JWSAlgorithm.HS256, rsa.getKeyID(), valid());

        assertThat(jwksVerifier().verify(confused)).isEmpty();
        // and an RS256 token where the shared secret is expected
        assertThat(secretVerifier().verify(sign(rsaSigner(rsa), JWSAlgorithm.RS256, rsa.getKeyID(), valid()))).isEmpty();
    }

    @Test
    void expiryIsRequiredChecked_andBoundedByTheMaximumLifetime() throws Exception {
        JwtVerifier verifier = jwksVerifier();

        assertThat(verifier.verify(rs256(claims -> claims.expirationTime(null)))).as("no exp").isEmpty();
        assertThat(verifier.verify(rs256(claims -> claims.expirationTime(in(Duration.ofMinutes(-5)))))).as("expired")
                .isEmpty();
        assertThat(verifier.verify(rs256(claims -> claims.expirationTime(in(Duration.ofSeconds(-10))))))
                .as("expired within the clock skew").contains("alice");
        assertThat(verifier.verify(rs256(claims -> claims.expirationTime(in(Duration.ofDays(30)))))).as("30 days")
                .isEmpty();
        assertThat(verifier.verify(rs256(claims -> claims.issueTime(Date.from(Instant.now().minus(Duration.ofHours(2))))
                .expirationTime(in(Duration.ofMinutes(59)))))).as("issued 2 h ago for 3 h").isEmpty();
    }

    @Test
    void aTokenNotValidYetIsRefusedBeyondTheClockSkew() throws Exception {
        JwtVerifier verifier = jwksVerifier();

        assertThat(verifier.verify(rs256(claims -> claims.notBeforeTime(in(Duration.ofHours(1)))))).isEmpty();
        assertThat(verifier.verify(rs256(claims -> claims.notBeforeTime(in(Duration.ofSeconds(10)))))).contains("alice");
    }

    @Test
    void issuerAudienceAndSubjectMustMatch() throws Exception {
        JwtVerifier verifier = jwksVerifier();

        assertThat(verifier.verify(rs256(claims -> claims.issuer("https://evil.example")))).isEmpty();
        assertThat(verifier.verify(rs256(claims -> claims.issuer(null)))).isEmpty();
        assertThat(verifier.verify(rs256(claims -> claims.audience("another-service")))).isEmpty();
        assertThat(verifier.verify(rs256(claims -> claims.audience((String) null)))).isEmpty();
        assertThat(verifier.verify(rs256(claims -> claims.audience(List.of("another-service", AUDIENCE)))))
                .contains("alice");
        assertThat(verifier.verify(rs256(claims -> claims.subject(null)))).isEmpty();
    }

    @Test
    void aTokenSignedWithAnotherKeyIsRefused() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).keyID(rsa.getKeyID()).generate();

        assertThat(jwksVerifier().verify(sign(rsaSigner(stranger), JWSAlgorithm.RS256, stranger.getKeyID(), valid())))
                .isEmpty();
        assertThat(secretVerifier().verify(sign(new MACSigner("another-secret-of-at-least-32-characters"),
                JWSAlgorithm.HS256, null, valid()))).isEmpty();
        assertThat(jwksVerifier().verify("not.a.jwt")).isEmpty();
        assertThat(jwksVerifier().verify("garbage")).isEmpty();
    }

    @Test
    void afterTheIssuerRotatesItsKeyNewTokensAreAcceptedAndTokensOfTheRetiredKeyAreNot() throws Exception {
        JwtVerifier verifier = jwksVerifier();
        String beforeRotation = rs256(UnaryOperator.identity());
        assertThat(verifier.verify(beforeRotation)).contains("alice");

        RSAKey next = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        published.set(new JWKSet(List.<JWK>of(next.toPublicJWK())));
        int fetchesBefore = fetches.get();

        assertThat(verifier.verify(sign(rsaSigner(next), JWSAlgorithm.RS256, next.getKeyID(), valid()))).contains("alice");
        assertThat(fetches.get()).as("an unknown key id fetches the set again").isGreaterThan(fetchesBefore);
        assertThat(verifier.verify(beforeRotation)).isEmpty();
    }

    @Test
    void incompleteConfigurationFailsAtStartup() {
        assertThatThrownBy(() -> new GatewayProperties.Jwt(SECRET, "", "", "", Duration.ofHours(1), Duration.ofSeconds(30))
                .validate()).hasMessageContaining("GATEWAY_JWT_ISSUER");
        assertThatThrownBy(() -> new GatewayProperties.Jwt("", "http://keys.example.com/jwks.json", ISSUER, AUDIENCE,
                Duration.ofHours(1), Duration.ofSeconds(30)).validate()).hasMessageContaining("https");
        assertThatThrownBy(() -> new GatewayProperties.Jwt(SECRET, jwksUrl(), ISSUER, AUDIENCE, Duration.ofHours(1),
                Duration.ofSeconds(30)).validate()).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> new GatewayProperties.Jwt("short", "", ISSUER, AUDIENCE, Duration.ofHours(1),
                Duration.ofSeconds(30)).validate()).hasMessageContaining("32");
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private JwtVerifier jwksVerifier() {
        return new JwtVerifier(new GatewayProperties.Jwt("", jwksUrl(), ISSUER, AUDIENCE, Duration.ofHours(1),
                Duration.ofSeconds(30)));
    }

    private JwtVerifier secretVerifier() {
        return new JwtVerifier(new GatewayProperties.Jwt(SECRET, "", ISSUER, AUDIENCE, Duration.ofHours(1),
                Duration.ofSeconds(30)));
    }

    private String jwksUrl() {
        return "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json";
    }

    private static JWTClaimsSet.Builder valid() {
        return new JWTClaimsSet.Builder().subject("alice").issuer(ISSUER).audience(AUDIENCE)
                .issueTime(new Date()).expirationTime(in(Duration.ofMinutes(30)));
    }

    private String rs256(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
        return sign(rsaSigner(rsa), JWSAlgorithm.RS256, rsa.getKeyID(), change.apply(valid()));
    }

    private static JWSSigner rsaSigner(RSAKey key) throws Exception {
        return new RSASSASigner(key);
    }

    private static String sign(JWSSigner signer, JWSAlgorithm algorithm, String keyId, JWTClaimsSet.Builder claims)
            throws Exception {
        JWSHeader header = new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).keyID(keyId).build();
        SignedJWT jwt = new SignedJWT(header, claims.build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static Date in(Duration offset) {
        return Date.from(Instant.now().plus(offset));
    }
}
