package dev.agentmesh.gateway.tasks;

import dev.agentmesh.events.AgentRegistered;
import dev.agentmesh.gateway.GatewayProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agents live in the registry, as this gateway last heard them, with their cards: named in the
 * {@code ask_agents} tool's description and shown on the status page. The manager keeps its own view and decides who is really asked.
 */
@Component
public class AgentCatalog {

    private final Map<String, AgentRegistered> latest = new ConcurrentHashMap<>();
    private final Duration livenessTimeout;
    private final Clock clock;

    @Autowired
    public AgentCatalog(GatewayProperties properties) {
        this(properties.agentLivenessTimeout(), Clock.systemUTC());
    }

    AgentCatalog(Duration livenessTimeout, Clock clock) {
        this.livenessTimeout = livenessTimeout;
        this.clock = clock;
    }

    void heard(AgentRegistered registered) {
        latest.merge(registered.agent(), registered,
                (old, fresh) -> fresh.occurredAt().isAfter(old.occurredAt()) ? fresh : old);
    }

    public List<LiveAgent> live() {
        Instant oldest = clock.instant().minus(livenessTimeout);
        return latest.values().stream()
                .filter(registered -> registered.occurredAt().isAfter(oldest))
                .sorted(Comparator.comparing(AgentRegistered::agent))
                .map(registered -> LiveAgent.of(registered.card()))
                .toList();
    }
}
