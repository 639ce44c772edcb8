package dev.agentmesh.sdk.runtime;

import dev.agentmesh.events.AgentCard;
import dev.agentmesh.events.AgentRegistered;
import dev.agentmesh.events.Event;
import dev.agentmesh.events.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Announces the agent's card in the compacted registry topic at start and then every heartbeat interval. The
 * manager plans only with agents whose last heartbeat is recent, so a stopped agent drops out by itself.
 */
final class RegistryHeartbeat implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RegistryHeartbeat.class);

    private final AgentCard card;
    private final AgentProperties properties;
    private final String instanceId;
    private final KafkaTemplate<String, Event> template;
    private ScheduledExecutorService scheduler;
    private volatile boolean failing;

    RegistryHeartbeat(AgentCard card, AgentProperties properties, String instanceId,
                      KafkaTemplate<String, Event> template) {
        this.card = card;
        this.properties = properties;
        this.instanceId = instanceId;
        this.template = template;
    }

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("registry-heartbeat").factory());
        long interval = properties.heartbeatInterval().toMillis();
        scheduler.scheduleAtFixedRate(this::beat, 0, interval, TimeUnit.MILLISECONDS);
        log.info("Agent '{}' announcing its card ({} skills) every {} ms as instance {}", card.name(),
                card.skills().size(), interval, instanceId);
    }

    private void beat() {
        AgentRegistered registered = AgentRegistered.of(card, instanceId, properties.heartbeatInterval().toMillis());
        template.send(Topics.AGENT_REGISTRY, card.name(), registered).whenComplete((result, error) -> {
            if (error != null && !failing) {
                failing = true;
                log.warn("Heartbeat for agent '{}' failed: {}", card.name(), error.getMessage());
            } else if (error == null && failing) {
                failing = false;
                log.info("Heartbeat for agent '{}' delivered again", card.name());
            }
        });
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }

    /** Start after the listener containers, stop before them. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 50;
    }
}
