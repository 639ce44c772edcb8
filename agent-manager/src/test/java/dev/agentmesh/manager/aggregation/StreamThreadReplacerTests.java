package dev.agentmesh.manager.aggregation;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

/** A dead stream thread is replaced, until deaths keep coming back. */
class StreamThreadReplacerTests {

    private static final Instant START = Instant.parse("2026-11-24T12:00:00Z");
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void replacesAFailedThreadThenShutsDownWhenFailuresRepeatWithinTheWindow() {
        StreamThreadReplacer replacer = new StreamThreadReplacer(3, Duration.ofMinutes(10),
                Clock.fixed(START, ZoneOffset.UTC), meters);

        assertThat(replacer.handle(new IllegalStateException("1"))).isEqualTo(REPLACE_THREAD);
        assertThat(replacer.handle(new IllegalStateException("2"))).isEqualTo(REPLACE_THREAD);
        assertThat(replacer.handle(new IllegalStateException("3"))).isEqualTo(REPLACE_THREAD);
        assertThat(replacer.handle(new IllegalStateException("4"))).isEqualTo(SHUTDOWN_CLIENT);
        assertThat(meters.get("manager.stream.threads.replaced").counter().count()).isEqualTo(3);
    }

    @Test
    void forgetsFailuresOlderThanTheWindow() {
        Instant[] now = {START};
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        StreamThreadReplacer replacer = new StreamThreadReplacer(1, Duration.ofMinutes(10), clock, meters);

        assertThat(replacer.handle(new IllegalStateException("first"))).isEqualTo(REPLACE_THREAD);
        now[0] = START.plus(Duration.ofMinutes(11));
        assertThat(replacer.handle(new IllegalStateException("much later"))).isEqualTo(REPLACE_THREAD);
        assertThat(replacer.handle(new IllegalStateException("right after"))).isEqualTo(SHUTDOWN_CLIENT);
    }
}
