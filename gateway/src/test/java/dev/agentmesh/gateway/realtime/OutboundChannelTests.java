package dev.agentmesh.gateway.realtime;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class OutboundChannelTests {

    /** A peer whose socket takes nothing until it is released: every send stays in flight until then. */
    private static final class StuckPeer implements OutboundChannel.Sender {
        final List<String> written = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> released = new CompletableFuture<>();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger mostInFlight = new AtomicInteger();

        @Override
        public CompletableFuture<Void> send(String message) {
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            return released.thenRunAsync(() -> {
                inFlight.decrementAndGet();
                written.add(message);
            });
        }
    }

    @Test
    void writesInOrderOnTheOfferingThreadWhenThePeerKeepsUp() {
        List<String> written = new CopyOnWriteArrayList<>();
        List<Thread> writers = new CopyOnWriteArrayList<>();
        OutboundChannel channel = new OutboundChannel("t", 1_000, new BufferBudget(1_000_000), message -> {
            written.add(message);
            writers.add(Thread.currentThread());
            return CompletableFuture.completedFuture(null);
        }).start(() -> { });

        for (int i = 0; i < 100; i++) {
            assertThat(channel.offer("m" + i)).isTrue();
        }

        assertThat(written).hasSize(100).startsWith("m0", "m1", "m2").endsWith("m99");
        assertThat(writers).as("no hand-off to another thread").containsOnly(Thread.currentThread());
    }

    @Test
    void aSlowPeerHasOneSendInFlightAndTheRestWaitsInOrder() {
        StuckPeer peer = new StuckPeer();
        OutboundChannel channel = new OutboundChannel("t", 10_000, new BufferBudget(1_000_000), peer).start(() -> { });

        for (int i = 0; i < 50; i++) {
            assertThat(channel.offer("m" + i)).isTrue();
        }
        assertThat(channel.depth()).isEqualTo(49);
        assertThat(channel.oldestWaitNanos(System.nanoTime() + 1_000_000)).isGreaterThan(0);

        peer.released.complete(null);

        await().atMost(Duration.ofSeconds(5)).until(() -> peer.written.size() == 50);
        assertThat(peer.written).startsWith("m0", "m1").endsWith("m49");
        assertThat(peer.mostInFlight.get()).isEqualTo(1);
        assertThat(channel.depth()).isZero();
        assertThat(channel.oldestWaitNanos(System.nanoTime())).isZero();
    }

    @Test
    void aSlowPeerFillsTheBoundAndThenGetsOneLastMessage() {
        StuckPeer peer = new StuckPeer();
        AtomicBoolean closed = new AtomicBoolean();
        OutboundChannel channel = new OutboundChannel("t", 100, new BufferBudget(1_000_000), peer).start(() -> { });

        int accepted = 0;
        while (channel.offer("0123456789") && accepted < 1_000) {
            accepted++;
        }
        // ten characters hold twenty heap bytes: five fit, and one more, the one in flight, has left the queue
        assertThat(accepted).isEqualTo(6);

        channel.finish("error: too slow", true, () -> closed.set(true));
        peer.released.complete(null);

        await().atMost(Duration.ofSeconds(5)).untilTrue(closed);
        assertThat(peer.written).last().isEqualTo("error: too slow");
        assertThat(peer.written.size()).isLessThanOrEqualTo(2);
        assertThat(channel.offer("after")).isFalse();
    }

    @Test
    void channelsShareTheGatewaysBudgetAndGiveBackWhatTheyWroteOrDropped() {
        BufferBudget budget = new BufferBudget(100);
        StuckPeer peer = new StuckPeer();
        List<String> written = new CopyOnWriteArrayList<>();
        OutboundChannel stuck = new OutboundChannel("stuck", 1_000, budget, peer).start(() -> { });
        OutboundChannel other = new OutboundChannel("other", 1_000, budget, message -> {
            written.add(message);
            return CompletableFuture.completedFuture(null);
        }).start(() -> { });
        assertThat(stuck.offer("first")).isTrue();

        int accepted = 0;
        while (stuck.offer("0123456789") && accepted < 100) {
            accepted++;
        }
        assertThat(accepted).isEqualTo(5);
        assertThat(budget.used()).isEqualTo(100);
        assertThat(other.offer("0123456789")).as("the budget is spent for everyone").isFalse();

        stuck.finish(null, true, () -> { });
        assertThat(budget.used()).isZero();
        peer.released.complete(null);
        assertThat(other.offer("0123456789")).isTrue();
        assertThat(written).hasSize(1);
        assertThat(budget.used()).isZero();
    }

    @Test
    void aFailedSendFailsTheChannelOnceAndGivesBackItsBytes() {
        BufferBudget budget = new BufferBudget(1_000);
        CompletableFuture<Void> send = new CompletableFuture<>();
        AtomicInteger failures = new AtomicInteger();
        OutboundChannel channel = new OutboundChannel("t", 1_000, budget, message -> send)
                .start(failures::incrementAndGet);
        channel.offer("first");
        channel.offer("second");

        send.completeExceptionally(new java.io.IOException("broken pipe"));

        assertThat(failures.get()).isEqualTo(1);
        assertThat(budget.used()).isZero();
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.offer("third")).isFalse();
    }
}
