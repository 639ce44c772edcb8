package dev.agentmesh.benchmarks;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RelayReportTests {

    private static final String ANALYSIS = Report.ANALYSIS + "\n\n## Analysis\n\nHand-written.\n";

    @Test
    void showsTheDirectPathsOwnLatenessAndCpuBesideTheGatewaysFigures() {
        // given one step per measuring side: the netty one on time, the jdk one 31 ms late at p99
        RelayLadder.Variant build = new RelayLadder.Variant("this-build", "the gateway", Path.of("g.jar"), List.of());
        RelayLadder.Step netty = new RelayLadder.Step("this-build", RelayLoad.NETTY, 1000,
                result(1000, samples(0.4, 1.2, 2.5, 9), samples(0.1, 0.3, 0.8, 3), 0.41, Double.NaN, 0),
                result(1000, samples(3, 9, 14.5, 40), samples(0.1, 0.4, 0.9, 4), 0.45, 0.9, 0), 200, 0.56);
        RelayLadder.Step jdk = new RelayLadder.Step("this-build", RelayLoad.JDK, 1000,
                result(1000, samples(14, 30, 37, 80), samples(9, 20, 31, 70), 0.98, Double.NaN, 120),
                result(1000, samples(40, 90, 120, 300), samples(9, 22, 33, 75), 0.99, 0.95, 130), 503, Double.NaN);
        RelayLadder.Results results = new RelayLadder.Results(List.of(build), List.of(RelayLoad.NETTY, RelayLoad.JDK),
                List.of(netty, jdk), List.of(new RelayLadder.IdleHeap("this-build", RelayLoad.NETTY, 1000, 998,
                48.5 * 1024)), List.of(1000), Duration.ofSeconds(5), Duration.ofSeconds(20), "0", List.of("-Xmx1g"));

        // when the report is written over a previous one
        String markdown = new RelayReport(machine(), OffsetDateTime.parse("2026-12-02T06:00:00Z"),
                Duration.ofSeconds(300), results, "benchmarks/run.sh --relay --load=netty,jdk")
                .markdown("# old\n\nold tables\n\n" + ANALYSIS);

        // then each measuring side has its summary row with its direct p99 and its own lateness
        assertThat(markdown).contains("| this-build | netty | 1000 | 5,556 | 180.0 | 48.5 | 1000: 2.50 | 0.80 |");
        assertThat(markdown).contains("| this-build | jdk | none of the steps |");
        assertThat(markdown).contains("| 1000: 37.00 | 31.00 |");
        // and the ladder's direct rows carry sends late p99 and max, skipped sends and the load JVM's cores
        assertThat(markdown).contains("| this-build | netty | 1000 | direct | 50000 | 50000 | 0 (0) | 0 | | 0.40 | 1.20 "
                + "| 2.50 | 9.00 | 0.80 | 3.00 | 0 | 0.41 | 82.0 | | | | | |");
        assertThat(markdown).contains("| this-build | jdk | 1000 | direct | 50000 | 50000 | 0 (0) | 0 | | 14.00 | 30.00 "
                + "| 37.00 | 80.00 | 31.00 | 70.00 | 120 | 0.98 | 196.0 |");
        assertThat(markdown).contains("| this-build | jdk | 1000 | gateway |").contains("**unready**");
        // and the gateway rows carry the kernel's share of the gateway's CPU where it was measured, blank where not
        assertThat(markdown).contains("| 0.90 | 5,556 | 180.0 | 56 % | ready |");
        assertThat(markdown).contains("| 0.95 | 5,263 | 190.0 |  | **unready** |");
        assertThat(markdown).contains("- `jdk`: JDK HttpClient load generator, Tomcat upstream");
        assertThat(markdown).contains("| this-build | netty | 998 of 1000 | 48.5 |");
        // the hand-written analysis is kept, the old generated tables are not
        assertThat(markdown).endsWith(ANALYSIS).doesNotContain("old tables");
    }

    private static RealtimeLoad.Result result(int sessions, Samples latency, Samples lateness, double cores,
                                              double gatewayCores, long skipped) {
        return new RealtimeLoad.Result(sessions, latency, 50_000, 50_000, 0, 0, 0, skipped, cores, 0, 0, 20,
                gatewayCores, lateness);
    }

    private static Samples samples(double p50, double p90, double p99, double max) {
        return new Samples(50_000, 0, p50, p90, p99, max);
    }

    private static Map<String, Object> machine() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("gitCommit", "abc1234");
        machine.put("loadAverageAtStart", 1.5);
        machine.put("loadAverageAtEnd", 9.25);
        return machine;
    }
}
