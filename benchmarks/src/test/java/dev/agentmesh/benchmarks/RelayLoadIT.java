package dev.agentmesh.benchmarks;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each load generator against each upstream over real sockets: the frames each side builds by hand are ones the other
 * side's WebSocket stack accepts, and every append is answered with a stamped delta. Counts, not timings.
 */
class RelayLoadIT {

    @ParameterizedTest(name = "{0} generator, {1} upstream")
    @CsvSource({"netty, netty", "netty, jdk", "jdk, netty"})
    void everySessionIsGreetedAndGetsADeltaForItsAppends(String generator, String upstreamSide) throws Exception {
        try (RelayUpstream upstream = RelayLoad.of(upstreamSide).upstream();
             SessionLoad load = RelayLoad.of(generator).connect(upstream.url(), 20)) {
            assertThat(load.connected()).isEqualTo(20);
            assertThat(load.connectFailures()).isZero();

            RealtimeLoad.Result result = load.run(Duration.ofMillis(500), Duration.ofSeconds(2), null);

            assertThat(result.errors()).isZero();
            assertThat(result.sessionsWithErrors()).isZero();
            assertThat(result.appendsSent()).isPositive();
            assertThat(result.deltasReceived()).isPositive();
            assertThat(result.latency().count()).isEqualTo((int) result.deltasReceived());
            // every slot of the schedule, sent or skipped, is in the lateness figures: exactly on Netty's one event
            // loop; the JDK's ticks run on two threads beside the window's edges, each session's straddling each edge
            // at most once
            long slots = result.appendsSent() + result.sendBacklog();
            long margin = generator.equals("jdk") ? 2L * load.connected() : 0;
            assertThat((long) result.sendLateness().count()).isBetween(slots - margin, slots + margin);
        }
    }

    @ParameterizedTest(name = "{0} generator")
    @CsvSource({"netty", "jdk"})
    void aServerThatIsGoneLeavesConnectFailuresNotSessions(String generator) throws Exception {
        RelayUpstream upstream = RelayLoad.NETTY.upstream();
        String url = upstream.url();
        upstream.close();

        try (SessionLoad load = RelayLoad.of(generator).connect(url, 3)) {
            assertThat(load.connected()).isZero();
            assertThat(load.connectFailures()).isEqualTo(3);
        }
    }
}
