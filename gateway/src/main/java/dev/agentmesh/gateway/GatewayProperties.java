package dev.agentmesh.gateway;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import dev.agentmesh.llm.LlmEndpoint;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Everything the gateway can be told, bound from {@code gateway.*} (environment variables in application.yml).
 *
 * @param instanceId names this instance on agent-tasks' {@code replyTo}; results for its sessions come back to it
 * @param replyPartition the partition of agent-results this instance reads, named in its tasks' {@code replyPartition};
 *                       null: the ordinal of a StatefulSet pod's HOSTNAME ({@code gateway-3} reads 3), else 0
 * @param drainTimeout on shutdown, how long connected clients get to reconnect elsewhere before their sessions close
 */
@Validated
@ConfigurationProperties("gateway")
public record GatewayProperties(
        @NotBlank String instanceId,
        @Min(0) Integer replyPartition,
        @Valid @NotNull Upstream upstream,
        @Valid @NotNull Tasks tasks,
        @Valid @NotNull Limits limits,
        @Valid @NotNull Access access,
        @DefaultValue @Valid @NotNull Policy policy,
        @DefaultValue @Valid @NotNull Memory memory,
        @DefaultValue @Valid @NotNull Capacity capacity,
        @NotNull String instructions,
        @DefaultValue("20s") Duration agentLivenessTimeout,
        @DefaultValue("30s") @NotNull Duration drainTimeout) {

    /**
     * The realtime API the gateway relays to.
     *
     * @param url empty means OpenAI when an API key is set, else the local realtime-emulator
     * @param apiKey the server's key; sent upstream in the Authorization header, never to a client or a log
     * @param transcriptionModel input audio transcription the gateway turns on unless a client sets its own;
     *                           blank: off
     * @param client the WebSocket client that holds the upstream sockets (GATEWAY_UPSTREAM_CLIENT)
     */
    public record Upstream(
            @DefaultValue("") String url,
            @DefaultValue("gpt-realtime") @NotBlank String model,
            @DefaultValue("") String apiKey,
            @DefaultValue("gpt-4o-mini-transcribe") String transcriptionModel,
            @DefaultValue("wss://api.openai.com/v1/realtime") @NotNull URI openaiUrl,
            @DefaultValue("ws://127.0.0.1:8090/v1/realtime") @NotNull URI emulatorUrl,
            @DefaultValue("5s") @NotNull Duration connectTimeout,
            @DefaultValue("netty") @NotNull Client client) {

        /**
         * {@code netty}: Netty's client on a few shared event-loop threads, text handed over as bytes, pooled buffers;
         * {@code jdk}: the JDK's {@code java.net.http.WebSocket}. Both measured side by side in benchmarks/RELAY.md.
         */
        public enum Client { JDK, NETTY }

        /** Offline: no key, so the emulator (or whatever REALTIME_UPSTREAM_URL names) stands in for OpenAI. */
        public boolean offline() {
            return !StringUtils.hasText(apiKey);
        }

        /**
         * Fails when the server's key would travel in clear text: with a key, the upstream must be {@code wss:}, or
         * {@code ws:} on loopback only.
         */
        public Upstream {
            URI target = StringUtils.hasText(url) ? URI.create(url) : null;
            if (StringUtils.hasText(apiKey) && target != null && "ws".equalsIgnoreCase(target.getScheme())
                    && (target.getHost() == null || !LlmEndpoint.isLoopback(target.getHost()))) {
                throw new IllegalArgumentException("REALTIME_UPSTREAM_URL is plain ws:// to " + target.getHost()
                        + ": OPENAI_API_KEY would travel in clear text; use wss:// (ws:// is allowed on loopback only)");
            }
        }

        /** Where sessions connect, with the model as the GA API expects it ({@code ?model=}). */
        public URI endpoint() {
            URI base = StringUtils.hasText(url) ? URI.create(url) : offline() ? emulatorUrl : openaiUrl;
            String separator = base.getQuery() == null ? "?" : "&";
            return base.getQuery() != null && base.getQuery().contains("model=")
                    ? base : URI.create(base + separator + "model=" + model);
        }
    }

    /**
     * Delegated turns.
     *
     * @param deadline how long the manager may take; the model waits for the result this long at most
     * @param grace how long past the deadline the gateway waits before answering the call itself with a failure
     * @param contextTurns how many recent turns travel with a task as context
     */
    public record Tasks(
            @DefaultValue("8s") @NotNull Duration deadline,
            @DefaultValue("3s") @NotNull Duration grace,
            @DefaultValue("6") @Min(0) int contextTurns) {
    }

    /**
     * Who may open a realtime session. Browsers cannot set headers, so a credential is also taken from the
     * {@code openai-insecure-api-key.<credential>} subprotocol (where OpenAI clients put their key) or from the
     * {@code access_token} query parameter.
     *
     * @param mode {@code none}, {@code token} (one of {@code tokens}) or {@code jwt} (see {@link Jwt})
     * @param maxSessionsPerClient concurrent sessions one client (token subject, or address without auth) may hold
     * @param eventsPerSecond sustained client events per second and session; beyond it events are refused
     * @param burst client events a session may send at once above the sustained rate
     * @param maxSessionDuration after this the session gets {@code session_expired} and is closed
     */
    public record Access(
            @DefaultValue("none") @NotNull Mode mode,
            @DefaultValue("") List<String> tokens,
            @DefaultValue @Valid @NotNull Jwt jwt,
            @DefaultValue("20") @Min(1) int maxSessionsPerClient,
            @DefaultValue("200") @Min(1) int eventsPerSecond,
            @DefaultValue("400") @Min(1) int burst,
            @DefaultValue("4h") @NotNull Duration maxSessionDuration) {

        public enum Mode { NONE, TOKEN, JWT }

        public Access {
            tokens = tokens == null ? List.of() : tokens.stream().filter(StringUtils::hasText).toList();
            if (mode == Mode.TOKEN && tokens.isEmpty()) {
                throw new IllegalArgumentException("gateway.access.mode=token needs gateway.access.tokens "
                        + "(GATEWAY_ACCESS_TOKENS)");
            }
            if (mode == Mode.JWT) {
                jwt.validate();
            }
        }
    }

    /**
     * Client JWTs, verified with nimbus-jose-jwt. Either HS256 with a shared {@code secret}, or RS256/ES256 with
     * keys from {@code jwksUri} (cached, and fetched again when a token names a key not seen yet, so the issuer
     * can rotate). {@code exp}, {@code sub}, {@code iss} and {@code aud} are required; {@code exp} and {@code nbf}
     * are checked with {@code clockSkew}; no token may live longer than {@code maxLifetime}.
     *
     * @param secret HS256 key, 32 or more characters (GATEWAY_JWT_SECRET)
     * @param jwksUri where the issuer publishes its public keys (GATEWAY_JWT_JWKS_URI); https, or http on loopback
     * @param issuer the {@code iss} every token must carry (GATEWAY_JWT_ISSUER)
     * @param audience a value the token's {@code aud} must contain (GATEWAY_JWT_AUDIENCE)
     */
    public record Jwt(
            @DefaultValue("") String secret,
            @DefaultValue("") String jwksUri,
            @DefaultValue("") String issuer,
            @DefaultValue("") String audience,
            @DefaultValue("24h") @NotNull Duration maxLifetime,
            @DefaultValue("30s") @NotNull Duration clockSkew) {

        /** Fails with a message naming the variable when the jwt mode's configuration is incomplete or unsafe. */
        public void validate() {
            boolean hasSecret = StringUtils.hasText(secret);
            boolean hasJwks = StringUtils.hasText(jwksUri);
            if (hasSecret == hasJwks) {
                throw new IllegalArgumentException("gateway.access.mode=jwt needs exactly one of "
                        + "gateway.access.jwt.secret (GATEWAY_JWT_SECRET, HS256) and gateway.access.jwt.jwks-uri "
                        + "(GATEWAY_JWT_JWKS_URI, RS256/ES256)");
            }
            if (hasSecret && secret.length() < 32) {
                throw new IllegalArgumentException("GATEWAY_JWT_SECRET must have at least 32 characters");
            }
            if (hasJwks) {
                URI uri = URI.create(jwksUri);
                boolean loopback = uri.getHost() != null && LlmEndpoint.isLoopback(uri.getHost());
                if (!"https".equals(uri.getScheme()) && !("http".equals(uri.getScheme()) && loopback)) {
                    throw new IllegalArgumentException("GATEWAY_JWT_JWKS_URI must be https (http only on loopback)");
                }
            }
            if (!StringUtils.hasText(issuer) || !StringUtils.hasText(audience)) {
                throw new IllegalArgumentException("gateway.access.mode=jwt needs GATEWAY_JWT_ISSUER and "
                        + "GATEWAY_JWT_AUDIENCE: without them a token minted for another service would be accepted");
            }
        }
    }

    /**
     * What one client may cost the gateway. Queues and the buffer budget count heap bytes (two per character);
     * message sizes and inbound rates count bytes on the wire (UTF-8).
     *
     * @param maxMessageSize largest client frame accepted; appends of up to 15 MiB are legal in the GA API
     * @param clientQueue bytes waiting to be written to a slow client before it gets an error and is closed
     * @param upstreamQueue bytes waiting to be written upstream before the client gets an error and is closed
     * @param bufferBudget bytes the whole gateway holds for messages being assembled and queued; past it new
     *                     messages are refused
     * @param inboundBytesPerSecond bytes per second one session may send, sustained; a burst of one largest
     *                              message is allowed on top
     * @param tasksPerSession delegated tasks one session may have waiting at once
     * @param tasksPerMinute delegated tasks one client may start per minute, across its sessions on this instance
     * @param delegationsPerTurn delegated tasks the model may start without a new user turn (the loop breaker)
     * @param idleTimeout a session that sends nothing for this long is closed
     * @param connectsPerMinute sessions one client may open per minute on this instance
     * @param allowedOrigins Origin values browsers may connect from; {@code *} allows any
     */
    public record Limits(
            @DefaultValue("16MB") @NotNull DataSize maxMessageSize,
            @DefaultValue("16MB") @NotNull DataSize clientQueue,
            @DefaultValue("40MB") @NotNull DataSize upstreamQueue,
            @DefaultValue("512MB") @NotNull DataSize bufferBudget,
            @DefaultValue("1MB") @NotNull DataSize inboundBytesPerSecond,
            @DefaultValue("2") @Min(1) int tasksPerSession,
            @DefaultValue("20") @Min(1) int tasksPerMinute,
            @DefaultValue("3") @Min(1) int delegationsPerTurn,
            @DefaultValue("10m") @NotNull Duration idleTimeout,
            @DefaultValue("30") @Min(1) int connectsPerMinute,
            @DefaultValue("*") List<String> allowedOrigins) {
    }

    /**
     * How much this instance takes on before it says it is full. At capacity it refuses new realtime sessions at
     * the handshake (HTTP 503, JSON body, {@code Retry-After}) and reports itself unready, so that a load balancer
     * sends them to another instance; sessions already open go on. It is at capacity while it holds
     * {@code maxSessions}, or while its process has used more than {@code maxCpu} of its cores over the last
     * {@code cpuWindow} (measured, from the JVM's process CPU time); it takes sessions again below 90 % of either.
     *
     * @param maxSessions realtime sessions this instance holds at most; 0: no fixed cap (CPU still applies)
     * @param maxCpu share of the process's available cores, 0 to 1; 1 turns the CPU signal off
     * @param cpuWindow how long CPU is averaged over before it counts (startup's JIT burst passes)
     * @param maxAudioLag a message for the client that waited longer than this in the gateway means the session's
     *                    audio has fallen behind real time: the client gets an {@code error} {@code falling_behind}
     * @param maxBehindShare the relay's own lag as a capacity signal: at capacity while more than this share of the
     *                       open sessions is behind by {@code maxAudioLag} (one slow client is its own connection;
     *                       many at once are this gateway); 1 turns the lag signal off
     * @param minBehindSessions and at least this many sessions are behind, so that a handful of sessions with slow
     *                          networks do not turn a lightly used instance away
     */
    public record Capacity(
            @DefaultValue("2000") @Min(0) int maxSessions,
            @DefaultValue("0.85") @DecimalMin("0.05") @DecimalMax("1.0") double maxCpu,
            @DefaultValue("5s") @NotNull Duration cpuWindow,
            @DefaultValue("1s") @NotNull Duration maxAudioLag,
            @DefaultValue("0.25") @DecimalMin("0.01") @DecimalMax("1.0") double maxBehindShare,
            @DefaultValue("3") @Min(1) int minBehindSessions) {

        public Capacity {
            if (cpuWindow.isNegative() || cpuWindow.isZero() || maxAudioLag.isNegative() || maxAudioLag.isZero()) {
                throw new IllegalArgumentException("gateway.capacity.cpu-window and gateway.capacity.max-audio-lag "
                        + "must be positive (GATEWAY_CPU_WINDOW, GATEWAY_MAX_AUDIO_LAG)");
            }
        }
    }

    /**
     * What a session remembers of its conversation.
     *
     * @param seedTurns, seedChars the most recent turns a new upstream session is told, verbatim (older ones are
     *                   dropped with a note saying how many)
     * @param storeUrl the memory-store service (MEMORY_STORE_URL); blank: no durable memory
     */
    public record Memory(
            @DefaultValue("24") @Min(0) int seedTurns,
            @DefaultValue("12000") @Min(0) int seedChars,
            @DefaultValue("") String storeUrl,
            @DefaultValue("2s") @NotNull Duration storeTimeout) {
    }

    /**
     * What clients may change in a session beyond the fixed rules of the client-event policy (the server's
     * instructions and tool always stay; tools are never forced).
     *
     * @param maxClientInstructions characters of instructions a client may add to the server's
     * @param allowSystemItems whether clients may add {@code system}-role items (they speak with the server's voice)
     * @param mcpServers MCP {@code server_url}s clients may add as tools (billed to the server's key); empty: none
     */
    public record Policy(
            @DefaultValue("4000") @Min(0) int maxClientInstructions,
            @DefaultValue("false") boolean allowSystemItems,
            @DefaultValue("") List<String> mcpServers) {

        public Policy {
            mcpServers = mcpServers == null ? List.of() : mcpServers.stream().filter(StringUtils::hasText).toList();
        }
    }
}
