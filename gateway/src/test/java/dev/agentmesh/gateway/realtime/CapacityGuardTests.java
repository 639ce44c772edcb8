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

import static org.assertj.core.api.Assertions.assertThat;

/** The measured signal: the process's CPU over a window of one-second samples, with room again below 90 %. */
class CapacityGuardTests {

    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private final AtomicLong cpuNanos = new AtomicLong();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final AtomicBoolean draining = new AtomicBoolean();
    private final List<ReadinessState> published = new CopyOnWriteArrayList<>();
    private final CapacityGuard guard = new CapacityGuard(
            new GatewayProperties.Capacity(0, 0.8, Duration.ofSeconds(3), Duration.ofSeconds(1)),
            new GatewayMetrics(new SimpleMeterRegistry()), draining::get,
            event -> {
                if (event instanceof AvailabilityChangeEvent<?> change
                        && change.getState() instanceof ReadinessState state) {
                    published.add(state);
                }
            }, null, cpuNanos::get, clock::get);

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
}
