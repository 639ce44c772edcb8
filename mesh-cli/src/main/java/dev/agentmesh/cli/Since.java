package dev.agentmesh.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** {@code --since}: a duration back from now ({@code 90s}, {@code 30m}, {@code 2h}, {@code 7d}) or an ISO-8601 instant. */
public final class Since {

    private Since() {
    }

    public static Instant parse(String text, Clock clock) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("--since needs a value such as 30m, 2h, 7d or 2026-12-01T20:00:00Z");
        }
        String value = text.trim();
        if (value.matches("[0-9]+[smhd]")) {
            long amount = Long.parseLong(value.substring(0, value.length() - 1));
            Duration back = switch (value.charAt(value.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
            return clock.instant().minus(back);
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--since '" + text + "': use a duration such as 30m, 2h, 7d or an "
                    + "instant such as 2026-12-01T20:00:00Z");
        }
    }
}
