package dev.agentmesh.gateway.realtime;

import dev.agentmesh.gateway.GatewayProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Says when this instance is full (see {@link GatewayProperties.Capacity}): at capacity a realtime handshake gets
 * HTTP 503 with a JSON error before any upgrade, and readiness turns to refusing traffic until the instance has room
 * again. Every second it also samples the process's CPU and asks each open session whether its audio has fallen
 * behind, so that a stalled stream is noticed even when no new message arrives for it.
 */
@Component
class CapacityGuard implements HandshakeInterceptor, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CapacityGuard.class);
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(1);
    /** Room again below this share of either limit: a full instance does not flap at the edge. */
    private static final double RESUME_BELOW = 0.9;
    static final int RETRY_AFTER_SECONDS = 5;

    private final GatewayProperties.Capacity capacity;
    private final GatewayMetrics metrics;
    private final java.util.function.BooleanSupplier draining;
    private final ApplicationEventPublisher events;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier processCpuNanos;
    private final LongSupplier clock;
    private final int cores = Runtime.getRuntime().availableProcessors();
    private final double[] window;
    private int samples;
    private long lastCpu;
    private long lastWall;
    private volatile double cpu;
    private volatile boolean full;
    private volatile String reason = "";
    private volatile ScheduledFuture<?> sampler;
    private volatile boolean running;

    @org.springframework.beans.factory.annotation.Autowired
    CapacityGuard(GatewayProperties properties, GatewayMetrics metrics, SessionDrain drain,
                  ApplicationEventPublisher events, ScheduledExecutorService relayScheduler, MeterRegistry registry) {
        this(properties.capacity(), metrics, drain::draining, events, relayScheduler, CapacityGuard::processCpuTime,
                System::nanoTime);
        Gauge.builder("gateway.capacity.cpu", this, guard -> guard.cpu)
                .description("Share of its cores the gateway process used, averaged over gateway.capacity.cpu-window")
                .register(registry);
        Gauge.builder("gateway.capacity.full", this, guard -> guard.full ? 1 : 0)
                .description("1 while the gateway refuses new realtime sessions because it is at capacity")
                .register(registry);
    }

    CapacityGuard(GatewayProperties.Capacity capacity, GatewayMetrics metrics, java.util.function.BooleanSupplier draining,
                  ApplicationEventPublisher events, ScheduledExecutorService scheduler, LongSupplier processCpuNanos,
                  LongSupplier clock) {
        this.capacity = capacity;
        this.metrics = metrics;
        this.draining = draining;
        this.events = events;
        this.scheduler = scheduler;
        this.processCpuNanos = processCpuNanos;
        this.clock = clock;
        this.window = new double[(int) Math.max(1, capacity.cpuWindow().toMillis() / SAMPLE_EVERY.toMillis())];
    }

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
                                   Map<String, Object> attributes) throws IOException {
        update();
        if (!full) {
            return true;
        }
        metrics.refused("at_capacity");
        log.info("Refused a realtime session: at capacity ({})", reason);
        byte[] body = RealtimeJson.error("server_error", "at_capacity", "This gateway is at capacity (" + reason
                + "); connect again in a few seconds (a load balancer sends you to another instance).", null)
                .getBytes(StandardCharsets.UTF_8);
        response.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().setContentLength(body.length);
        response.getHeaders().set("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
        response.getBody().write(body);
        return false;
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
                               Exception exception) {
    }

    /** True while new sessions are refused. */
    boolean full() {
        return full;
    }

    /** A session opened or closed: the count may have crossed the limit, so readiness follows at once. */
    void sessionsChanged() {
        update();
    }

    /** Re-evaluates the limits; publishes readiness on a change (never while the gateway drains). */
    synchronized void update() {
        int sessions = metrics.activeSessions();
        int maxSessions = capacity.maxSessions();
        double maxCpu = capacity.maxCpu();
        boolean cpuOn = maxCpu < 1.0;
        boolean over = (maxSessions > 0 && sessions >= maxSessions) || (cpuOn && cpu > maxCpu);
        boolean room = (maxSessions == 0 || sessions < RESUME_BELOW * maxSessions)
                && (!cpuOn || cpu < RESUME_BELOW * maxCpu);
        boolean next = full ? !room : over;
        if (next == full) {
            return;
        }
        full = next;
        if (full) {
            reason = maxSessions > 0 && sessions >= maxSessions ? sessions + " sessions of " + maxSessions
                    : String.format(java.util.Locale.ROOT, "CPU at %.0f %% of %d core%s", 100 * cpu, cores,
                    cores == 1 ? "" : "s");
            log.warn("At capacity, refusing new realtime sessions and turning unready: {}", reason);
        } else {
            log.info("Below capacity again ({} sessions, CPU {} %), taking new sessions", sessions,
                    Math.round(100 * cpu));
        }
        if (!draining.getAsBoolean()) {
            AvailabilityChangeEvent.publish(events, this,
                    full ? ReadinessState.REFUSING_TRAFFIC : ReadinessState.ACCEPTING_TRAFFIC);
        }
    }

    /** One sample: CPU over the last second into the window, then every session's audio lag. */
    void sample() {
        long now = clock.getAsLong();
        long cpuNow = processCpuNanos.getAsLong();
        if (lastWall != 0 && now > lastWall) {
            double share = (cpuNow - lastCpu) / (double) (now - lastWall) / cores;
            window[samples++ % window.length] = share;
            // only a full window counts: a burst shorter than it (startup's JIT) is not load
            if (samples >= window.length) {
                double sum = 0;
                for (double value : window) {
                    sum += value;
                }
                cpu = sum / window.length;
            }
        }
        lastCpu = cpuNow;
        lastWall = now;
        update();
        metrics.forEachSession(session -> session.checkAudioLag(now));
    }

    private static long processCpuTime() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Samples from when the gateway is ready: the CPU of its start (class loading, JIT) is not load. */
    @org.springframework.context.event.EventListener(org.springframework.boot.context.event.ApplicationReadyEvent.class)
    void ready() {
        if (!running) {
            return;
        }
        sampler = scheduler.scheduleAtFixedRate(() -> {
            try {
                sample();
            } catch (RuntimeException e) {
                log.warn("Capacity sample failed: {}", e.toString());
            }
        }, SAMPLE_EVERY.toMillis(), SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        ScheduledFuture<?> current = sampler;
        if (current != null) {
            current.cancel(false);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the drain, so that it never turns the draining gateway ready again. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE + 1;
    }
}
