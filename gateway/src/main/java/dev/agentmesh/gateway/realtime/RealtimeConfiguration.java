package dev.agentmesh.gateway.realtime;

import dev.agentmesh.gateway.GatewayProperties;
import dev.agentmesh.gateway.access.HandshakeAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.socket.server.WebSocketService;

import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/** The realtime endpoint, its frame limit and the Origin allow-list for browsers. */
@Configuration(proxyBeanMethods = false)
class RealtimeConfiguration implements WebFluxConfigurer {

    private static final Logger log = LoggerFactory.getLogger(RealtimeConfiguration.class);
    static final String PATH = "/v1/realtime";

    private final RealtimeHandshake handshake;

    RealtimeConfiguration(GatewayProperties properties, CapacityGuard capacity, HandshakeAccess access) {
        this.handshake = new RealtimeHandshake(capacity, access,
                ClientFrames.frameLimit(properties.limits().maxMessageSize().toBytes()));
        GatewayProperties.Upstream upstream = properties.upstream();
        log.info("Relaying {} to {} ({}); client access: {}", PATH, upstream.endpoint(),
                upstream.offline() ? "offline: no OPENAI_API_KEY" : "with the server's API key",
                properties.access().mode().name().toLowerCase(java.util.Locale.ROOT));
        log.info("Relay transport: {}", RelayTransport.describe());
    }

    /**
     * Ahead of the static resources and controllers. A browser's handshake from an Origin off the allow-list gets
     * 403 (CORS rule of the mapping) before the capacity and credential checks of {@link RealtimeHandshake}.
     */
    @Bean
    HandlerMapping realtimeMapping(RelayHandler handler, GatewayProperties properties) {
        CorsConfiguration origins = new CorsConfiguration();
        origins.setAllowedOriginPatterns(properties.limits().allowedOrigins());
        origins.addAllowedMethod("GET");
        SimpleUrlHandlerMapping mapping = new SimpleUrlHandlerMapping(Map.of(PATH, handler), Ordered.HIGHEST_PRECEDENCE);
        mapping.setCorsConfigurations(Map.of(PATH, origins));
        return mapping;
    }

    /** The handshake of every WebSocket endpoint: there is one, {@value #PATH}. */
    @Override
    public WebSocketService getWebSocketService() {
        return handshake;
    }

    /**
     * Event loops of this gateway's own, not Reactor Netty's global ones: a context that closes disposes of its
     * resources, and with the global ones that would stop every other Netty server and client in the JVM (the
     * tests run several gateways in one). The upstream sockets sit on these loops too (beside their clients').
     */
    @Bean
    static ReactorResourceFactory reactorResourceFactory() {
        ReactorResourceFactory resources = new ReactorResourceFactory();
        resources.setUseGlobalResources(false);
        return resources;
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
