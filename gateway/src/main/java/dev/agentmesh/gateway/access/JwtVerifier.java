package dev.agentmesh.gateway.access;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.agentmesh.gateway.GatewayProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.StringUtils;

import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies a client's JWT with nimbus-jose-jwt and names the client by its {@code sub}. Only the configured
 * algorithms are accepted (HS256 with the shared secret, or RS256/ES256 with keys from the JWKS URI), so unsigned
 * tokens ({@code alg: none}) and algorithm confusion (an HS256 token keyed with a public key) fail at key
 * selection. {@code exp}, {@code sub}, {@code iss} and {@code aud} are required; {@code exp} and {@code nbf} are
 * checked with the clock skew; a token whose {@code exp} lies further ahead than the maximum lifetime (from now,
 * or from its {@code iat}) is refused, so a leaked token cannot be valid for ever.
 */
final class JwtVerifier {

    private static final Logger log = LoggerFactory.getLogger(JwtVerifier.class);
    private static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final Duration maxLifetime;
    private final Duration clockSkew;

    JwtVerifier(GatewayProperties.Jwt jwt) {
        this.maxLifetime = jwt.maxLifetime();
        this.clockSkew = jwt.clockSkew();
        // "typ" may be absent or "JWT"; anything else (an encrypted or nested token, say) is refused
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, null));
        if (StringUtils.hasText(jwt.secret())) {
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256,
                    new ImmutableSecret<>(jwt.secret().getBytes(StandardCharsets.UTF_8))));
        } else {
            try {
                processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ASYMMETRIC,
                        JWKSourceBuilder.create(URI.create(jwt.jwksUri()).toURL()).retrying(true).build()));
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("GATEWAY_JWT_JWKS_URI is not a URL: " + jwt.jwksUri(), e);
            }
        }
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(Set.of(jwt.audience()),
                new JWTClaimsSet.Builder().issuer(jwt.issuer()).build(), Set.of("exp", "sub", "iss", "aud"), null);
        claims.setMaxClockSkew((int) jwt.clockSkew().toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** The token's subject, or empty when the token is not valid here. */
    Optional<String> verify(String token) {
        try {
            JWTClaimsSet claims = processor.process(token, null);
            if (!withinLifetime(claims)) {
                log.info("Refused a client JWT whose lifetime exceeds {}", maxLifetime);
                return Optional.empty();
            }
            String subject = claims.getSubject();
            return StringUtils.hasText(subject) ? Optional.of(subject) : Optional.empty();
        } catch (Exception invalid) {
            // ParseException, BadJOSEException, JOSEException: the reason is for operators, never the token itself
            log.info("Refused a client JWT: {}", invalid.getMessage());
            return Optional.empty();
        }
    }

    private boolean withinLifetime(JWTClaimsSet claims) {
        Instant expires = claims.getExpirationTime().toInstant();
        Date issued = claims.getIssueTime();
        Instant from = issued == null ? Instant.now() : issued.toInstant();
        boolean sinceIssued = !expires.isAfter(from.plus(maxLifetime));
        boolean fromNow = !expires.isAfter(Instant.now().plus(maxLifetime).plus(clockSkew));
        return sinceIssued && fromNow;
    }
}
