package dev.agentmesh.gateway.realtime;

import org.springframework.boot.context.event.ApplicationStartingEvent;
import org.springframework.context.ApplicationListener;

import java.util.Map;

/**
 * Sizes Tomcat's per-connection WebSocket buffers (read, write, encoder: 8 KiB each by default) to 2 KiB, which every
 * idle session holds; larger frames pass in several reads and writes. A system property Tomcat reads once, so it is
 * set as the application starts, before Tomcat loads; a value given with {@code -D} wins.
 *
 * <p>The upstream client holds no such buffer with Netty (the default). With {@code gateway.upstream.client=jdk}, the
 * JDK client's write buffer ({@code jdk.httpclient.websocket.writeBufferSize}, 16 KiB) is left alone: at 2 KiB a
 * 15 MiB text message it sent arrived as invalid UTF-8 (close 1007) in RelayIT. See benchmarks/RELAY.md.
 */
public final class SocketBufferSizes implements ApplicationListener<ApplicationStartingEvent> {

    static final Map<String, String> SIZES = Map.of(
            "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE", "2048");

    @Override
    public void onApplicationEvent(ApplicationStartingEvent event) {
        SIZES.forEach((name, value) -> {
            if (System.getProperty(name) == null) {
                System.setProperty(name, value);
            }
        });
    }
}
