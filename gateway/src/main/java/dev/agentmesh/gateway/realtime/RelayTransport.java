package dev.agentmesh.gateway.realtime;

import io.netty.channel.epoll.Epoll;
import reactor.netty.ReactorNetty;
import reactor.netty.resources.LoopResources;

import java.util.Properties;

/**
 * The relay's event loops and the transport under them, settled before Reactor Netty starts.
 *
 * <p>One event loop per core the JVM may use (the container's CPU limit, where there is one). Reactor Netty's own
 * default is at least four, which on a one-core pod means four threads taking turns on one core. The relay never
 * blocks a loop (admission, session set-up, Kafka sends and the memory store run elsewhere), so more loops than
 * cores buys nothing but context switches: RELAY.md measures it. An explicit {@code -Dreactor.netty.ioWorkerCount}
 * is kept.
 *
 * <p>The transport is Netty's native epoll where its library loads, else the JDK's NIO; the gateway says which at
 * start-up. Netty's io_uring transport is left off the classpath (Reactor Netty would prefer it): measured side by
 * side in RELAY.md, it cost more CPU per frame than epoll and failed sessions at 1,000.
 */
public final class RelayTransport {

    private RelayTransport() {
    }

    /** Sets one event loop per available core unless {@code properties} already name a count. */
    static void oneLoopPerCore(Properties properties, int cores) {
        properties.putIfAbsent(ReactorNetty.IO_WORKER_COUNT, Integer.toString(cores));
    }

    /** The transport Reactor Netty runs on here: native (epoll) unless turned off or unable to load. */
    static String transport() {
        if (!LoopResources.DEFAULT_NATIVE) {
            return "nio (-D" + ReactorNetty.NATIVE + "=false)";
        }
        return Epoll.isAvailable() ? "epoll" : "nio (epoll unavailable: " + Epoll.unavailabilityCause() + ")";
    }

    /** Called first thing in {@code main}, before Reactor Netty reads the property. */
    public static void configure() {
        oneLoopPerCore(System.getProperties(), Runtime.getRuntime().availableProcessors());
    }

    /** What the gateway's start-up log says, once logging is set up. */
    static String describe() {
        String loops = System.getProperty(ReactorNetty.IO_WORKER_COUNT);
        return transport() + ", " + (loops == null ? "Reactor Netty's default number of event loops"
                : loops.trim() + " event loop(s)");
    }
}
