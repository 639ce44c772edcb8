package dev.agentmesh.manager.registry;

import dev.agentmesh.events.AgentRegistered;
import dev.agentmesh.events.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class AgentDirectoryTests {

    private static final Instant START = Instant.parse("2026-12-02T06:00:00Z");

    private final MovableClock clock = new MovableClock(START);
    private final AgentDirectory directory = new AgentDirectory(Duration.ofSeconds(20), clock);
    private final CountDownLatch newsLearned = new CountDownLatch(1);

    @AfterEach
    void releaseTheLearner() {
        newsLearned.countDown();
        directory.destroy();
    }

    @Test
    void anAgentIsPlannedWithOnceItsCardIsLearned() {
        directory.onChange(live -> { });

        directory.heard(heartbeat("weather", START));
        directory.announceChanges();

        await().atMost(Duration.ofSeconds(5)).until(() -> names(directory.live()).equals(List.of("weather")));
    }

    @Test
    void learningANewCardHoldsUpNeitherTheReaderNorTheOtherAgentsHeartbeats() {
        // given weather is live, and learning news's card takes as long as the test says
        directory.onChange(live -> {
            if (names(live).contains("news")) {
                awaitQuietly(newsLearned);
            }
        });
        directory.heard(heartbeat("weather", START));
        directory.announceChanges();
        await().atMost(Duration.ofSeconds(5)).until(() -> names(directory.live()).equals(List.of("weather")));

        // when news announces itself and its card is being learned past weather's liveness timeout
        directory.heard(heartbeat("news", START.plusSeconds(20)));
        assertTimeoutPreemptively(Duration.ofSeconds(2), directory::announceChanges);
        for (int seconds = 5; seconds <= 25; seconds += 5) {   // weather's heartbeats, every 5 s
            clock.now = START.plusSeconds(seconds);
            directory.heard(heartbeat("weather", clock.now));
            assertTimeoutPreemptively(Duration.ofSeconds(2), directory::announceChanges);
        }

        // then weather's new heartbeat keeps it live, and news is not planned with before its card is learned
        assertThat(names(directory.live())).containsExactly("weather");

        newsLearned.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> names(directory.live()).equals(List.of("news", "weather")));
    }

    @Test
    void aHeartbeatThatArrivesWhileACardIsLearnedIsTakenInByTheNextRound() {
        directory.onChange(live -> {
            if (names(live).contains("news")) {
                awaitQuietly(newsLearned);
            }
        });
        directory.heard(heartbeat("news", START));
        directory.announceChanges();

        directory.heard(heartbeat("chat", START.plusSeconds(1)));
        directory.announceChanges();   // a round is running: chat waits for the next one
        newsLearned.countDown();

        await().atMost(Duration.ofSeconds(5)).until(() -> names(directory.live()).equals(List.of("chat", "news")));
    }

    private static AgentRegistered heartbeat(String agent, Instant at) {
        return new AgentRegistered(agent + "-" + at.toEpochMilli(), at, Event.SCHEMA_VERSION, agent, "The " + agent + " agent",
                agent + "-requests", "1.0.0", agent + "-1", 5_000, List.of("text/plain"), List.of("text/plain"), List.of());
    }

    private static List<String> names(List<LiveAgent> live) {
        return live.stream().map(LiveAgent::name).toList();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class MovableClock extends Clock {

        private volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
