package dev.agentmesh.gateway.realtime;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What an operator watches on a gateway: open realtime sessions, delegated turn latency by outcome, and how many
 * messages wait in the relay's queues (a growing number means slow clients or a slow upstream).
 */
@Component
public class GatewayMetrics {

    private final Set<RelaySession> sessions = ConcurrentHashMap.newKeySet();
    private final MeterRegistry registry;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("gateway.sessions.active", sessions, Set::size)
                .description("Realtime sessions open on this gateway").register(registry);
        Gauge.builder("gateway.relay.queue.depth", sessions, all -> all.stream().mapToInt(RelaySession::toClientDepth).sum())
                .tag("direction", "to_client").description("Messages waiting to be written").register(registry);
        Gauge.builder("gateway.relay.queue.depth", sessions, all -> all.stream().mapToInt(RelaySession::toUpstreamDepth).sum())
                .tag("direction", "to_upstream").description("Messages waiting to be written").register(registry);
    }

    void opened(RelaySession session) {
        sessions.add(session);
    }

    void closed(RelaySession session) {
        sessions.remove(session);
    }

    int activeSessions() {
        return sessions.size();
    }

    void forEachSession(java.util.function.Consumer<RelaySession> action) {
        sessions.forEach(action);
    }

    /** A session's audio waited in the gateway longer than gateway.capacity.max-audio-lag; the client was told. */
    void fallingBehind() {
        registry.counter("gateway.relay.falling_behind").increment();
    }

    /** The gateway refused a client event, a delegation or a session, or changed an event; {@code code} says why. */
    void refused(String code) {
        registry.counter("gateway.refusals", "code", code).increment();
    }

    /** An upstream session ended that neither the client nor the gateway closed, or could not be opened. */
    void upstreamFailure() {
        registry.counter("gateway.upstream.failures").increment();
    }

    /** A delegated turn ended: complete, partial, failed (no result) or cancelled. */
    void turn(Duration took, String outcome) {
        Timer.builder("gateway.turn.duration")
                .description("From the model's ask_agents call to the result fed back into the conversation")
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry)
                .record(took);
    }
}
