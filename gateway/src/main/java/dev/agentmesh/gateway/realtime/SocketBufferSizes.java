package dev.agentmesh.gateway.realtime;

import org.springframework.boot.context.event.ApplicationStartingEvent;
import org.springframework.context.ApplicationListener;

import java.util.Map;

/**
 * Sizes the per-connection buffers of the two WebSocket stacks for realtime frames (a few KiB each) instead of their
 * defaults (8 and 16 KiB), which every idle session holds: Tomcat's WebSocket read, write and encoder buffers, and the
 * JDK client's write buffer toward the upstream. Larger frames still pass, in several reads or writes. These are
 * system properties the libraries read once, so they are set as the application starts, before either loads; a
 * value given with {@code -D} wins. See benchmarks/RELAY.md for the heap per idle session they save.
 */
public final class SocketBufferSizes implements ApplicationListener<ApplicationStartingEvent> {

    static final Map<String, String> SIZES = Map.of(
            "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE", "2048",
            "jdk.httpclient.websocket.writeBufferSize", "2048");

    @Override
    public void onApplicationEvent(ApplicationStartingEvent event) {
        SIZES.forEach((name, value) -> {
            if (System.getProperty(name) == null) {
                System.setProperty(name, value);
            }
        });
    }
}
