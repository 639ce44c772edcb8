package dev.agentmesh.gateway.realtime;

import dev.agentmesh.gateway.GatewayProperties;
import dev.agentmesh.gateway.access.AccessInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/** The realtime endpoint, its frame limits and the Origin allow-list for browsers. */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class RealtimeConfiguration implements WebSocketConfigurer {

    private static final Logger log = LoggerFactory.getLogger(RealtimeConfiguration.class);
    /**
     * Per session: Tomcat holds text as chars (two bytes each); binary frames are refused anyway. 4 K chars hold a
     * 60 ms append of 24 kHz audio whole (the web UI sends 40 ms); larger frames arrive in parts.
     */
    private static final int TEXT_BUFFER = 4 * 1024;
    private static final int BINARY_BUFFER = 1024;

    private final RelayHandler handler;
    private final GatewayProperties properties;
    private final AccessInterceptor access;
    private final CapacityGuard capacity;

    RealtimeConfiguration(RelayHandler handler, GatewayProperties properties, AccessInterceptor access,
                          CapacityGuard capacity) {
        this.handler = handler;
        this.properties = properties;
        this.access = access;
        this.capacity = capacity;
        GatewayProperties.Upstream upstream = properties.upstream();
        log.info("Relaying /v1/realtime to {} ({}); client access: {}", upstream.endpoint(),
                upstream.offline() ? "offline: no OPENAI_API_KEY" : "with the server's API key",
                properties.access().mode().name().toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(handler, "/v1/realtime")
                // a full gateway refuses before it spends anything on the client, its credential included
                .addInterceptors(capacity, access)
                .setAllowedOriginPatterns(properties.limits().allowedOrigins().toArray(String[]::new));
    }

    /**
     * Small container buffers: Tomcat allocates them per session up front, so a 16 MB buffer would cost every
     * idle session tens of megabytes. Frames arrive in parts instead and {@link RelayHandler} assembles each
     * message, bounded by {@code gateway.limits.max-message-size}.
     */
    @Bean
    ServletServerContainerFactoryBean webSocketContainer() {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxTextMessageBufferSize(TEXT_BUFFER);
        container.setMaxBinaryMessageBufferSize(BINARY_BUFFER);
        return container;
    }

    /**
     * Deadline guards and session expiries. Cancelled ones must leave the queue at once: a 60-minute expiry left
     * queued after its session closed would keep the whole session reachable until then.
     */
    @Bean(destroyMethod = "shutdownNow")
    static ScheduledExecutorService relayScheduler() {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("relay-deadlines").daemon().factory());
        scheduler.setRemoveOnCancelPolicy(true);
        return scheduler;
    }
}
