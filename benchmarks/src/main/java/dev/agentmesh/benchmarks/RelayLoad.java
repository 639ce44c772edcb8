package dev.agentmesh.benchmarks;

import java.util.Locale;

/**
 * The relay benchmark's measuring side, chosen with {@code run.sh --relay --load=netty|jdk}: a load generator and the
 * upstream it is measured against. {@code jdk} is the one before (the JDK's WebSocket client, a Tomcat upstream),
 * kept so that a run can show both side by side.
 */
enum RelayLoad {

    /** {@link NettyRealtimeLoad} against {@link NettyDeltaUpstream}: one event loop each, frames built once. */
    NETTY("Netty load generator, Netty upstream") {
        @Override
        RelayUpstream upstream() throws Exception {
            return new NettyDeltaUpstream();
        }

        @Override
        SessionLoad connect(String url, int sessions) {
            return NettyRealtimeLoad.connect(url, sessions);
        }
    },

    /** {@link RealtimeLoad} (the JDK's client, two scheduler threads) against {@link DeltaUpstream} (Tomcat). */
    JDK("JDK HttpClient load generator, Tomcat upstream") {
        @Override
        RelayUpstream upstream() throws Exception {
            return new DeltaUpstream();
        }

        @Override
        SessionLoad connect(String url, int sessions) {
            return RealtimeLoad.connect(url, sessions);
        }
    };

    private final String description;

    RelayLoad(String description) {
        this.description = description;
    }

    abstract RelayUpstream upstream() throws Exception;

    /** Opens {@code sessions} sockets on {@code url}, each greeted by its first server event. */
    abstract SessionLoad connect(String url, int sessions);

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    String description() {
        return description;
    }

    static RelayLoad of(String label) {
        for (RelayLoad load : values()) {
            if (load.label().equals(label.strip().toLowerCase(Locale.ROOT))) {
                return load;
            }
        }
        throw new IllegalArgumentException("--load takes netty or jdk (or both, comma-separated), not: " + label);
    }
}
