package dev.agentmesh.events;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Texts cut to a UTF-8 byte budget with a visible marker. */
class CappedTextTests {

    @Test
    void leavesATextWithinTheCapAlone() {
        CappedText capped = CappedText.of("Paris: 12 °C", 256);

        assertThat(capped.text()).isEqualTo("Paris: 12 °C");
        assertThat(capped.truncated()).isFalse();
        assertThat(capped.originalBytes()).isEqualTo(13);
    }

    @Test
    void cutsALongTextToTheCapInBytesAndSaysHowMuchWasKept() {
        String answer = "a".repeat(2 * 1024 * 1024);

        CappedText capped = CappedText.of(answer, 1024);

        byte[] encoded = capped.text().getBytes(StandardCharsets.UTF_8);
        assertThat(capped.truncated()).isTrue();
        assertThat(encoded.length).isLessThanOrEqualTo(1024);
        assertThat(capped.text()).startsWith("aaaa").matches("a+… \\[truncated: \\d+ of 2097152 bytes]");
        long kept = capped.text().indexOf('…');
        assertThat(capped.text()).endsWith("… [truncated: " + kept + " of 2097152 bytes]");
    }

    @Test
    void countsBytesNotCharactersAndNeverSplitsACharacter() {
        // 3 bytes per '€', 4 per emoji (a surrogate pair in Java)
        String euros = "€".repeat(1_000);
        String emoji = "😀".repeat(1_000);

        for (String text : new String[] {euros, emoji}) {
            CappedText capped = CappedText.of(text, 500);
            String kept = capped.text().substring(0, capped.text().indexOf('…'));
            assertThat(capped.text().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(500);
            assertThat(new String(kept.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(kept);
            assertThat(text).startsWith(kept);
            assertThat(capped.originalBytes()).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        }
        assertThat(CappedText.of("€".repeat(100), 300).truncated()).as("300 bytes of euros fit").isFalse();
    }

    @Test
    void measuresUtf8LikeTheEncoder() {
        String mixed = "Zürich 12 °C — ☔ 😀 ok";

        assertThat(CappedText.utf8Length(mixed)).isEqualTo(mixed.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void refusesACapWithoutRoomForTheMarker() {
        assertThatThrownBy(() -> CappedText.of("text", 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 256 bytes");
    }
}
