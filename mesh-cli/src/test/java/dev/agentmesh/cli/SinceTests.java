package dev.agentmesh.cli;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SinceTests {

    final Clock clock = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void readsDurationsBackFromNowAndInstants() {
        assertThat(Since.parse("90s", clock)).isEqualTo(Instant.parse("2026-12-01T11:58:30Z"));
        assertThat(Since.parse("30m", clock)).isEqualTo(Instant.parse("2026-12-01T11:30:00Z"));
        assertThat(Since.parse("2h", clock)).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(Since.parse("7d", clock)).isEqualTo(Instant.parse("2026-11-24T12:00:00Z"));
        assertThat(Since.parse("2026-12-01T08:15:00Z", clock)).isEqualTo(Instant.parse("2026-12-01T08:15:00Z"));
    }

    @Test
    void saysWhatItAcceptsWhenItCannotRead() {
        assertThatThrownBy(() -> Since.parse("yesterday", clock)).hasMessageContaining("30m, 2h, 7d");
        assertThatThrownBy(() -> Since.parse("5w", clock)).hasMessageContaining("--since '5w'");
        assertThatThrownBy(() -> Since.parse(" ", clock)).hasMessageContaining("needs a value");
    }
}
