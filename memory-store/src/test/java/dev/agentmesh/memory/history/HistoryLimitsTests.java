package dev.agentmesh.memory.history;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class HistoryLimitsTests {

    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    @Test
    void keepsTheMostRecentConversationsFirstAndDropsTheOldest() {
        HistoryLimits limits = new HistoryLimits(2, 10, 1000);
        UserHistory history = UserHistory.empty();

        history = limits.append(history, "c-1", new Turn("user", "first", T0));
        history = limits.append(history, "c-2", new Turn("user", "second", T0.plusSeconds(1)));
        history = limits.append(history, "c-1", new Turn("assistant", "again", T0.plusSeconds(2)));
        history = limits.append(history, "c-3", new Turn("user", "third", T0.plusSeconds(3)));

        assertThat(history.conversations()).extracting(Conversation::conversationId).containsExactly("c-3", "c-1");
    }

    @Test
    void turnsAreKeptInTheOrderTheyHappenedWhateverOrderTheyArrive() {
        HistoryLimits limits = new HistoryLimits(2, 10, 1000);
        UserHistory history = UserHistory.empty();

        history = limits.append(history, "c-1", new Turn("assistant", "Noted: Lyon.", T0.plusMillis(280)));
        history = limits.append(history, "c-1", new Turn("user", "I live in Lyon.", T0));
        history = limits.append(history, "c-1", new Turn("user", "And the weather?", T0.plusSeconds(2)));

        assertThat(history.conversation("c-1").orElseThrow().turns()).extracting(Turn::text)
                .containsExactly("I live in Lyon.", "Noted: Lyon.", "And the weather?");
    }

    @Test
    void keepsAtMostTheConfiguredTurnsPerConversationOldestDroppedFirst() {
        HistoryLimits limits = new HistoryLimits(5, 3, 1000);
        UserHistory history = UserHistory.empty();
        for (int i = 1; i <= 5; i++) {
            history = limits.append(history, "c-1", new Turn("user", "turn " + i, T0.plusSeconds(i)));
        }

        assertThat(history.conversation("c-1").orElseThrow().turns()).extracting(Turn::text)
                .containsExactly("turn 3", "turn 4", "turn 5");
    }

    @Test
    void keepsAtMostTheConfiguredBytesInUtf8() {
        HistoryLimits limits = new HistoryLimits(5, 100, 10);
        UserHistory history = UserHistory.empty();
        history = limits.append(history, "c-1", new Turn("user", "ééé", T0)); // 6 bytes
        history = limits.append(history, "c-1", new Turn("user", "ààà", T0.plusSeconds(1))); // 6 bytes

        assertThat(history.conversation("c-1").orElseThrow().turns()).extracting(Turn::text).containsExactly("ààà");
    }

    @Test
    void keepsTheBeginningOfATurnLongerThanTheBudgetWithoutSplittingACharacter() {
        HistoryLimits limits = new HistoryLimits(5, 100, 5);

        UserHistory history = limits.append(UserHistory.empty(), "c-1", new Turn("user", "abcé€x", T0));

        String kept = history.conversation("c-1").orElseThrow().turns().getFirst().text();
        assertThat(kept).isEqualTo("abcé");
        assertThat(kept.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(5);
    }

    @Test
    void titlesAConversationWithItsFirstUserTurnShortened() {
        HistoryLimits limits = new HistoryLimits(5, 2, 10_000);
        String question = "What is the weather going to be like in Paris tomorrow afternoon, and should I bring an umbrella?";
        UserHistory history = limits.append(UserHistory.empty(), "c-1", new Turn("assistant", "Hello!", T0));
        history = limits.append(history, "c-1", new Turn("user", question, T0.plusSeconds(1)));
        history = limits.append(history, "c-1", new Turn("assistant", "Rain.", T0.plusSeconds(2)));
        history = limits.append(history, "c-1", new Turn("user", "Thanks", T0.plusSeconds(3)));

        Conversation conversation = history.conversation("c-1").orElseThrow();
        assertThat(conversation.title()).startsWith("What is the weather").endsWith("…")
                .hasSizeLessThanOrEqualTo(HistoryLimits.TITLE_LENGTH);
        assertThat(conversation.updatedAt()).isEqualTo(T0.plusSeconds(3));
    }

    @Test
    void expiresConversationsNotUpdatedSinceTheCutoff() {
        HistoryLimits limits = new HistoryLimits(5, 10, 1000);
        UserHistory history = limits.append(UserHistory.empty(), "old", new Turn("user", "a", T0));
        history = limits.append(history, "new", new Turn("user", "b", T0.plus(Duration.ofDays(20))));

        UserHistory kept = HistoryLimits.expire(history, T0.plus(Duration.ofDays(1)));

        assertThat(kept.conversations()).extracting(Conversation::conversationId).containsExactly("new");
    }
}
