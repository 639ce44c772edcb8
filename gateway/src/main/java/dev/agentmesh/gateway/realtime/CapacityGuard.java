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
import org.springframework.stereotype.Component;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Says when this instance is full (see {@link GatewayProperties.Capacity}): at capacity a realtime handshake gets
 * HTTP 503 with a JSON error before any upgrade, and readiness turns to refusing traffic until the instance has room
 * again. Every second it samples the process's CPU and asks each open session whether its audio has fallen behind
 * (so that a stalled stream is noticed even when no new message arrives for it). Two measured signals, because each
 * misses a case: CPU sees a busy gateway, and the share of sessions behind real time sees a gateway that cannot keep
 * up for any reason, a starved one (its neighbours on the node take its CPU) included.
 */
@Component
class CapacityGuard implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CapacityGuard.class);
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(1);
    /** Room again below this share of either limit: a full instance does not flap at the edge. */
    private static final double RESUME_BELOW = 0.9;
    /** The lag signal is noisier (a session is behind or not): room again below half of its share. */
    private static final double LAG_RESUME_BELOW = 0.5;
    static final int RETRY_AFTER_SECONDS = 5;

    private final GatewayProperties.Capacity capacity;
    private final GatewayMetrics metrics;
    private final java.util.function.BooleanSupplier draining;
    private final ApplicationEventPublisher events;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier processCpuNanos;
    private final LongSupplier clock;
    private final SessionsBehind sessionsBehind;
    private final int cores = Runtime.getRuntime().availableProcessors();
    private final double[] window;
    private int samples;
    private long lastCpu;
    private long lastWall;
    private volatile double cpu;
    private volatile Lag lag = new Lag(0, 0);
    private volatile boolean full;
    private volatile String reason = "";
    private volatile ScheduledFuture<?> sampler;
    private volatile boolean running;

    @org.springframework.beans.factory.annotation.Autowired
    CapacityGuard(GatewayProperties properties, GatewayMetrics metrics, SessionDrain drain,
                  ApplicationEventPublisher events, ScheduledExecutorService relayScheduler, MeterRegistry registry) {
        this(properties.capacity(), metrics, drain::draining, events, relayScheduler, CapacityGuard::processCpuTime,
                System::nanoTime, now -> {
                    int[] count = {0, 0};
                    metrics.forEachSession(session -> {
                        count[0]++;
                        count[1] += session.checkAudioLag(now) ? 1 : 0;
                    });
                    return new Lag(count[0], count[1]);
                });
        Gauge.builder("gateway.capacity.cpu", this, guard -> guard.cpu)
                .description("Share of its cores the gateway process used, averaged over gateway.capacity.cpu-window")
                .register(registry);
        Gauge.builder("gateway.capacity.sessions.behind", this, guard -> guard.lag.behind())
                .description("Open sessions whose messages for the client waited longer than "
                        + "gateway.capacity.max-audio-lag, at the last sample")
                .register(registry);
        Gauge.builder("gateway.capacity.full", this, guard -> guard.full ? 1 : 0)
                .description("1 while the gateway refuses new realtime sessions because it is at capacity")
                .register(registry);
    }

    CapacityGuard(GatewayProperties.Capacity capacity, GatewayMetrics metrics, java.util.function.BooleanSupplier draining,
                  ApplicationEventPublisher events, ScheduledExecutorService scheduler, LongSupplier processCpuNanos,
                  LongSupplier clock, SessionsBehind sessionsBehind) {
        this.capacity = capacity;
        this.metrics = metrics;
        this.draining = draining;
        this.events = events;
        this.scheduler = scheduler;
        this.processCpuNanos = processCpuNanos;
        this.clock = clock;
        this.sessionsBehind = sessionsBehind;
        this.window = new double[(int) Math.max(1, capacity.cpuWindow().toMillis() / SAMPLE_EVERY.toMillis())];
    }

    /**
     * The 503 body for a realtime handshake while this instance is full (the handshake answers with it before any
     * upgrade, with {@link #RETRY_AFTER_SECONDS}), or empty while it has room.
     */
    Optional<String> refusal() {
        update();
        if (!full) {
            return Optional.empty();
        }
        metrics.refused("at_capacity");
        log.info("Refused a realtime session: at capacity ({})", reason);
        return Optional.of(RealtimeJson.error("server_error", "at_capacity", "This gateway is at capacity (" + reason
                + "); connect again in a few seconds (a load balancer sends you to another instance).", null));
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
        boolean sessionsOver = maxSessions > 0 && sessions >= maxSessions;
        boolean cpuOver = cpuOn && cpu > maxCpu;
        Lag lag = this.lag;
        boolean lagOver = lagOver(lag, 1.0);
        boolean room = (maxSessions == 0 || sessions < RESUME_BELOW * maxSessions)
                && (!cpuOn || cpu < RESUME_BELOW * maxCpu)
                && !lagOver(lag, LAG_RESUME_BELOW);
        boolean next = full ? !room : sessionsOver || cpuOver || lagOver;
        if (next == full) {
            return;
        }
        full = next;
        if (full) {
            reason = sessionsOver ? sessions + " sessions of " + maxSessions
                    : cpuOver ? String.format(java.util.Locale.ROOT, "CPU at %.0f %% of %d core%s", 100 * cpu, cores,
                    cores == 1 ? "" : "s")
                    : lag.behind() + " of " + lag.open() + " sessions behind real time by over "
                    + capacity.maxAudioLag().toMillis() + " ms";
            log.warn("At capacity, refusing new realtime sessions and turning unready: {}", reason);
        } else {
            log.info("Below capacity again ({} sessions, {} behind, CPU {} %), taking new sessions", sessions,
                    lag.behind(), Math.round(100 * cpu));
        }
        if (!draining.getAsBoolean()) {
            AvailabilityChangeEvent.publish(events, this,
                    full ? ReadinessState.REFUSING_TRAFFIC : ReadinessState.ACCEPTING_TRAFFIC);
        }
    }

    /**
     * Whether the sessions behind exceed the lag limits scaled by {@code scale}: 1 to turn full, less to be counted
     * as room again (hysteresis, as for the other limits).
     */
    private boolean lagOver(Lag lag, double scale) {
        double maxShare = capacity.maxBehindShare();
        if (maxShare >= 1.0 || lag.open() == 0) {
            return false;
        }
        return lag.behind() >= Math.max(1, Math.ceil(scale * capacity.minBehindSessions()))
                && lag.behind() > scale * maxShare * lag.open();
    }

    /** One sample: CPU over the last second into the window and every session's audio lag, then the limits. */
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
        lag = sessionsBehind.check(now);
        update();
    }

    /** Checks every open session's audio lag (telling those newly behind) and counts them. */
    @FunctionalInterface
    interface SessionsBehind {
        Lag check(long nowNanos);
    }

    /** At one sample: the sessions open and how many of them are behind real time. */
    record Lag(int open, int behind) {
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
