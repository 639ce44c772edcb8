package dev.agentmesh.gateway.realtime;

import dev.agentmesh.gateway.GatewayProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The upstream WebSocket client, chosen by {@code gateway.upstream.client} (GATEWAY_UPSTREAM_CLIENT). */
@Configuration(proxyBeanMethods = false)
class UpstreamClientConfiguration {

    private static final Logger log = LoggerFactory.getLogger(UpstreamClientConfiguration.class);

    @Bean
    UpstreamConnector upstreamConnector(GatewayProperties properties) {
        GatewayProperties.Upstream upstream = properties.upstream();
        log.info("Upstream WebSocket client: {}", upstream.client().name().toLowerCase(java.util.Locale.ROOT));
        return connector(upstream);
    }

    static UpstreamConnector connector(GatewayProperties.Upstream upstream) {
        return switch (upstream.client()) {
            case NETTY -> new NettyUpstreamConnector(upstream);
            case JDK -> new JdkUpstreamConnector(upstream);
        };
    }
}
