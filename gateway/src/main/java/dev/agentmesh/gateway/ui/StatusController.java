package dev.agentmesh.gateway.ui;

import dev.agentmesh.gateway.GatewayProperties;
import dev.agentmesh.gateway.access.ClientAuthenticator;
import dev.agentmesh.gateway.tasks.AgentCatalog;
import dev.agentmesh.gateway.tasks.LiveAgent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/**
 * What the page shows besides the conversation: offline or not, and the agents live right now with what their cards
 * say (description, version, skills with examples). No secrets.
 */
@RestController
class StatusController {

    record Status(boolean offline, String upstream, String model, List<LiveAgent> agents, boolean auth_required) {
    }

    private final GatewayProperties properties;
    private final AgentCatalog catalog;
    private final ClientAuthenticator authenticator;

    StatusController(GatewayProperties properties, AgentCatalog catalog, ClientAuthenticator authenticator) {
        this.properties = properties;
        this.catalog = catalog;
        this.authenticator = authenticator;
    }

    @GetMapping("/api/status")
    Status status() {
        GatewayProperties.Upstream upstream = properties.upstream();
        return new Status(upstream.offline(), upstream.offline() ? "emulator" : "openai", upstream.model(),
                catalog.live(), authenticator.required());
    }
}
