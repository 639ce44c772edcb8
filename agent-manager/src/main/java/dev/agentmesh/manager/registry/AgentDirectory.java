package dev.agentmesh.manager.registry;

import dev.agentmesh.events.AgentRegistered;
import dev.agentmesh.manager.ManagerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The agents the manager may plan with: every agent whose latest heartbeat is younger than the liveness
 * timeout. A new agent service joins by being deployed and announcing itself; the manager needs no change.
 */
@Component
public class AgentDirectory {

    private static final Logger log = LoggerFactory.getLogger(AgentDirectory.class);

    private final Map<String, AgentRegistered> latest = new ConcurrentHashMap<>();
    private final List<Consumer<List<LiveAgent>>> listeners = new CopyOnWriteArrayList<>();
    private final Duration livenessTimeout;
    private final Clock clock;

    @Autowired
    public AgentDirectory(ManagerProperties properties) {
        this(properties.registry().livenessTimeout(), Clock.systemUTC());
    }

    public AgentDirectory(Duration livenessTimeout, Clock clock) {
        this.livenessTimeout = livenessTimeout;
        this.clock = clock;
    }

    /**
     * Takes a heartbeat in. When it brings a new agent or a changed card, the listeners (the local planner, which
     * learns the cards) are told first, so that the agent is planned with once its card has been learned.
     */
    public void heard(AgentRegistered registered) {
        AgentRegistered before = latest.get(registered.agent());
        if (before != null && !registered.occurredAt().isAfter(before.occurredAt())) {
            return;
        }
        Instant now = clock.instant();
        boolean joined = (before == null || !isLive(before, now)) && isLive(registered, now);
        boolean changedCard = before != null && !before.card().equals(registered.card());
        if (joined || changedCard) {
            List<LiveAgent> live = new java.util.ArrayList<>(live().stream()
                    .filter(agent -> !agent.name().equals(registered.agent())).toList());
            live.add(LiveAgent.of(registered));
            live.sort(Comparator.comparing(LiveAgent::name));
            listeners.forEach(listener -> listener.accept(List.copyOf(live)));
        }
        latest.merge(registered.agent(), registered,
                (old, fresh) -> fresh.occurredAt().isAfter(old.occurredAt()) ? fresh : old);
        if (joined) {
            log.info("Agent '{}' is live (instance {}, requests on {}, {} skills)", registered.agent(),
                    registered.instanceId(), registered.requestTopic(), registered.skills().size());
        }
    }

    /** Told the live agents whenever one joins or announces a different card, on the registry reader's thread. */
    public void onChange(Consumer<List<LiveAgent>> listener) {
        listeners.add(listener);
    }

    void forget(String agent) {
        latest.remove(agent);
    }

    /** The live agents, sorted by name. */
    public List<LiveAgent> live() {
        Instant now = clock.instant();
        return latest.values().stream()
                .filter(registered -> isLive(registered, now))
                .sorted(Comparator.comparing(AgentRegistered::agent))
                .map(LiveAgent::of)
                .toList();
    }

    private boolean isLive(AgentRegistered registered, Instant now) {
        return registered.occurredAt().plus(livenessTimeout).isAfter(now);
    }
}
