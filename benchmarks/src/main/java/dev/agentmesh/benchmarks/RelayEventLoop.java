package dev.agentmesh.benchmarks;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The one event-loop thread the measuring JVM's Netty sockets share: the load generator's and the upstream's. run.sh
 * pins this JVM to one core, where a second loop would only add a thread wake-up (and a context switch) per frame on
 * the direct path, each write waking the other loop to read it. A daemon thread, kept for the JVM's lifetime.
 *
 * <p>On Netty's native epoll transport where it loads (Linux), as the gateway is; {@code -Dbenchmarks.load-transport=nio}
 * keeps the measuring side on the JDK's NIO, as it was before.
 */
final class RelayEventLoop {

    static final boolean EPOLL = !"nio".equals(System.getProperty("benchmarks.load-transport")) && Epoll.isAvailable();

    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1,
            new DefaultThreadFactory("relay-loop", true), handlers());

    private RelayEventLoop() {
    }

    static EventLoopGroup group() {
        return GROUP;
    }

    static String transport() {
        return EPOLL ? "epoll" : "nio";
    }

    static Class<? extends SocketChannel> socketChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    static Class<? extends ServerSocketChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    private static IoHandlerFactory handlers() {
        return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }
}
