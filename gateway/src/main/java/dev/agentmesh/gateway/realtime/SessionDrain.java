package dev.agentmesh.gateway.realtime;

import dev.agentmesh.gateway.GatewayProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Drains the gateway on shutdown, before the web server stops: it turns unready (the load balancer sends new
 * sessions elsewhere), refuses new sessions, tells every connected client to reconnect ({@code error}
 * {@code server_shutting_down}, which names the session's conversation id so that it can resume on another
 * instance), waits up to {@code GATEWAY_DRAIN_TIMEOUT} for them to leave, and closes the rest with 1012
 * (service restart).
 */
@Component
class SessionDrain implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SessionDrain.class);
    static final int CLOSE_RESTART = 1012;

    private final Set<RelaySession> sessions = ConcurrentHashMap.newKeySet();
    private final ApplicationEventPublisher events;
    private final Duration timeout;
    private volatile boolean running;
    private volatile boolean draining;

    SessionDrain(GatewayProperties properties, ApplicationEventPublisher events) {
        this.events = events;
        this.timeout = properties.drainTimeout();
    }

    /** False once the gateway drains: the session is refused. */
    boolean admit(RelaySession session) {
        if (draining) {
            return false;
        }
        sessions.add(session);
        return true;
    }

    /** True once the gateway has begun to shut down. */
    boolean draining() {
        return draining;
    }

    void ended(RelaySession session) {
        sessions.remove(session);
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        draining = true;
        AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
        List<RelaySession> open = List.copyOf(sessions);
        log.info("Draining: {} sessions told to reconnect, waiting up to {} s", open.size(), timeout.toSeconds());
        open.forEach(RelaySession::shuttingDown);
        long until = System.nanoTime() + timeout.toNanos();
        while (!sessions.isEmpty() && System.nanoTime() < until) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<RelaySession> left = List.copyOf(sessions);
        left.forEach(session -> session.closeForRestart(CLOSE_RESTART));
        log.info("Drained: {} sessions left on their own, {} closed with {}", open.size() - left.size(), left.size(),
                CLOSE_RESTART);
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops first, while the web server still carries the sessions' sockets. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
