package dev.agentmesh.gateway.realtime;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class OutboundChannelTests {

    @Test
    void writesInOrder() {
        List<String> written = new CopyOnWriteArrayList<>();
        OutboundChannel channel = new OutboundChannel("t", 1_000, new BufferBudget(1_000_000), written::add).start(() -> { });

        for (int i = 0; i < 100; i++) {
            assertThat(channel.offer("m" + i)).isTrue();
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 100);
        assertThat(written).startsWith("m0", "m1", "m2").endsWith("m99");
    }

    @Test
    void aSlowPeerFillsTheBoundAndThenGetsOneLastMessage() throws Exception {
        CountDownLatch peerStuck = new CountDownLatch(1);
        List<String> written = new CopyOnWriteArrayList<>();
        AtomicBoolean closed = new AtomicBoolean();
        OutboundChannel channel = new OutboundChannel("t", 100, new BufferBudget(1_000_000), message -> {
            peerStuck.await();
            written.add(message);
        }).start(() -> { });

        int accepted = 0;
        while (channel.offer("0123456789") && accepted < 1_000) {
            accepted++;
        }
        // ten characters hold twenty heap bytes: five fit, and one more once the writer has taken the first
        assertThat(accepted).isBetween(5, 6);

        channel.finish("error: too slow", true, () -> closed.set(true));
        peerStuck.countDown();

        await().atMost(Duration.ofSeconds(5)).untilTrue(closed);
        assertThat(written).last().isEqualTo("error: too slow");
        assertThat(written.size()).isLessThanOrEqualTo(2);
        assertThat(channel.offer("after")).isFalse();
    }

    @Test
    void channelsShareTheGatewaysBudgetAndGiveBackWhatTheyWroteOrDropped() throws Exception {
        BufferBudget budget = new BufferBudget(100);
        CountDownLatch peerStuck = new CountDownLatch(1);
        List<String> written = new CopyOnWriteArrayList<>();
        CountDownLatch writing = new CountDownLatch(1);
        OutboundChannel stuck = new OutboundChannel("stuck", 1_000, budget, message -> {
            writing.countDown();
            peerStuck.await();
        }).start(() -> { });
        OutboundChannel other = new OutboundChannel("other", 1_000, budget, written::add).start(() -> { });
        assertThat(stuck.offer("first")).isTrue();
        writing.await();

        int accepted = 0;
        while (stuck.offer("0123456789") && accepted < 100) {
            accepted++;
        }
        assertThat(accepted).isEqualTo(5);
        assertThat(budget.used()).isEqualTo(100);
        assertThat(other.offer("0123456789")).as("the budget is spent for everyone").isFalse();

        stuck.finish(null, true, () -> { });
        peerStuck.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> budget.used() == 0);
        assertThat(other.offer("0123456789")).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 1 && budget.used() == 0);
    }
}
