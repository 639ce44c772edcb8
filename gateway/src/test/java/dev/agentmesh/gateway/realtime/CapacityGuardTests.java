package dev.agentmesh.gateway.realtime;

import dev.agentmesh.gateway.GatewayProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The measured signals: the process's CPU over a window of one-second samples, with room again below 90 %; and the
 * share of open sessions behind real time, with room again below half of it.
 */
class CapacityGuardTests {

    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private final AtomicLong cpuNanos = new AtomicLong();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final AtomicBoolean draining = new AtomicBoolean();
    private final List<ReadinessState> published = new CopyOnWriteArrayList<>();
    private final AtomicReference<CapacityGuard.Lag> lag = new AtomicReference<>(new CapacityGuard.Lag(0, 0));
    private final CapacityGuard guard = guard(new GatewayProperties.Capacity(0, 0.8, Duration.ofSeconds(3),
            Duration.ofSeconds(1), 0.25, 3));

    private CapacityGuard guard(GatewayProperties.Capacity capacity) {
        return new CapacityGuard(capacity, new GatewayMetrics(new SimpleMeterRegistry()), draining::get,
                event -> {
                    if (event instanceof AvailabilityChangeEvent<?> change
                            && change.getState() instanceof ReadinessState state) {
                        published.add(state);
                    }
                }, null, cpuNanos::get, clock::get, now -> lag.get());
    }

    /** One sample a second after the last, in which the process used {@code share} of its cores. */
    private void second(double share) {
        clock.addAndGet(1_000_000_000L);
        cpuNanos.addAndGet((long) (share * CORES * 1_000_000_000L));
        guard.sample();
    }

    @Test
    void aFullWindowOverTheLimitRefusesAndTurnsUnreadyAndBelowNinetyPercentTakesSessionsAgain() {
        guard.sample();
        second(0.99);
        second(0.99);
        assertThat(guard.full()).as("a burst shorter than the window is not load").isFalse();
        second(0.99);
        assertThat(guard.full()).isTrue();
        assertThat(published).containsExactly(ReadinessState.REFUSING_TRAFFIC);

        second(0.75);
        second(0.75);
        second(0.75);
        assertThat(guard.full()).as("0.75 is under the limit but not under 90 % of it").isTrue();

        second(0.5);
        second(0.5);
        second(0.5);
        assertThat(guard.full()).isFalse();
        assertThat(published).containsExactly(ReadinessState.REFUSING_TRAFFIC, ReadinessState.ACCEPTING_TRAFFIC);
    }

    @Test
    void aDrainingGatewayIsNeverTurnedReadyAgain() {
        guard.sample();
        second(0.99);
        second(0.99);
        second(0.99);
        assertThat(guard.full()).isTrue();
        draining.set(true);

        second(0.1);
        second(0.1);
        second(0.1);

        assertThat(guard.full()).isFalse();
        assertThat(published).containsExactly(ReadinessState.REFUSING_TRAFFIC);
    }

    /** A second in which the process was idle and {@code behind} of {@code open} sessions were behind real time. */
    private void lagSecond(CapacityGuard target, int open, int behind) {
        lag.set(new CapacityGuard.Lag(open, behind));
        clock.addAndGet(1_000_000_000L);
        cpuNanos.addAndGet((long) (0.05 * CORES * 1_000_000_000L));
        target.sample();
    }

    @Test
    void aGatewayWhoseSessionsFallBehindIsAtCapacityThoughItsCpuIsLow() {
        lagSecond(guard, 100, 0);
        lagSecond(guard, 100, 25);
        assertThat(guard.full()).as("25 %% of the sessions is not more than the 25 %% share").isFalse();

        lagSecond(guard, 100, 40);
        assertThat(guard.full()).as("a starved gateway: CPU low, 40 of 100 sessions behind").isTrue();
        assertThat(published).containsExactly(ReadinessState.REFUSING_TRAFFIC);

        lagSecond(guard, 100, 20);
        assertThat(guard.full()).as("20 %% is under the share but not under half of it").isTrue();
        lagSecond(guard, 100, 12);
        assertThat(guard.full()).isFalse();
        assertThat(published).containsExactly(ReadinessState.REFUSING_TRAFFIC, ReadinessState.ACCEPTING_TRAFFIC);
    }

    @Test
    void aFewSlowClientsDoNotTurnALightlyUsedGatewayAway() {
        lagSecond(guard, 4, 2);
        assertThat(guard.full()).as("half of 4 sessions, but fewer than 3 sessions behind").isFalse();
        lagSecond(guard, 4, 3);
        assertThat(guard.full()).as("3 of 4: the gateway, not their networks").isTrue();
    }

    @Test
    void theLagSignalIsOffAtAShareOfOne() {
        CapacityGuard off = guard(new GatewayProperties.Capacity(0, 0.8, Duration.ofSeconds(3), Duration.ofSeconds(1),
                1.0, 3));
        lagSecond(off, 100, 0);
        lagSecond(off, 100, 100);
        assertThat(off.full()).isFalse();
        assertThat(published).isEmpty();
    }
}
