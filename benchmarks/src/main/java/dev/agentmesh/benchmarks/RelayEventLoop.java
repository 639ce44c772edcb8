package dev.agentmesh.benchmarks;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The one event-loop thread the measuring JVM's Netty sockets share: the load generator's and the upstream's. run.sh
 * pins this JVM to one core, where a second loop would only add a thread wake-up (and a context switch) per frame on
 * the direct path, each write waking the other loop to read it. A daemon thread, kept for the JVM's lifetime.
 */
final class RelayEventLoop {

    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1,
            new DefaultThreadFactory("relay-loop", true), NioIoHandler.newFactory());

    private RelayEventLoop() {
    }

    static EventLoopGroup group() {
        return GROUP;
    }
}
