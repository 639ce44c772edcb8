package dev.agentmesh.manager.registry;

import dev.agentmesh.events.AgentRegistered;
import dev.agentmesh.manager.ManagerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The agents the manager may plan with: every agent whose latest heartbeat is younger than the liveness
 * timeout. A new agent service joins by being deployed and announcing itself; the manager needs no change.
 */
@Component
public class AgentDirectory implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(AgentDirectory.class);

    private final Map<String, AgentRegistered> latest = new ConcurrentHashMap<>();
    private final List<Consumer<List<LiveAgent>>> listeners = new CopyOnWriteArrayList<>();
    /** Heartbeats that change the set of cards, taken in at the next announcement. */
    private final Map<String, AgentRegistered> pending = new ConcurrentHashMap<>();
    /**
     * Where the listeners learn new cards: a thread of its own, so that learning (embedding a card's examples takes
     * seconds on a busy machine) never holds up the registry reader, whose heartbeats keep the other agents live.
     */
    private final ExecutorService learner = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("card-learner").factory());
    private final AtomicBoolean learning = new AtomicBoolean();
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
     * Takes a heartbeat in. A heartbeat that would bring a new agent or a changed card waits for the next
     * {@link #announceChanges()}, which lets the listeners (the local planner) learn the new set of cards first: an
     * agent is planned with once its card has been learned, and plans never wait for the learning.
     */
    public void heard(AgentRegistered registered) {
        AgentRegistered before = pending.getOrDefault(registered.agent(), latest.get(registered.agent()));
        Instant now = clock.instant();
        boolean joined = (before == null || !isLive(before, now)) && isLive(registered, now);
        boolean changedCard = before != null && !before.card().equals(registered.card());
        if (joined || changedCard || pending.containsKey(registered.agent())) {
            pending.merge(registered.agent(), registered, AgentDirectory::newer);
        } else {
            latest.merge(registered.agent(), registered, AgentDirectory::newer);
        }
    }

    /**
     * Has the listeners learn the live agents as they will be with the waiting heartbeats, then takes those in; on
     * the learner's thread, one round at a time (heartbeats that wait meanwhile go in the next round). The registry
     * reader calls it after each batch of records, so a backlog costs one round, not one per record, and it returns
     * at once.
     */
    public void announceChanges() {
        if (!pending.isEmpty() && learning.compareAndSet(false, true)) {
            learner.execute(this::learnWhatIsPending);
        }
    }

    private void learnWhatIsPending() {
        try {
            while (!pending.isEmpty()) {
                learn(new java.util.HashMap<>(pending));
            }
        } catch (RuntimeException e) {
            log.error("Learning agent cards failed; the agents that announced them are not planned with yet", e);
        } finally {
            learning.set(false);
        }
        if (!pending.isEmpty()) {   // arrived after the loop looked, before the flag was down
            announceChanges();
        }
    }

    private void learn(Map<String, AgentRegistered> arriving) {
        Instant now = clock.instant();
        Map<String, AgentRegistered> next = new java.util.HashMap<>(latest);
        arriving.values().forEach(registered -> next.merge(registered.agent(), registered, AgentDirectory::newer));
        List<LiveAgent> live = liveOf(next.values(), now);
        listeners.forEach(listener -> listener.accept(live));
        arriving.values().forEach(registered -> {
            AgentRegistered before = latest.get(registered.agent());
            latest.merge(registered.agent(), registered, AgentDirectory::newer);
            pending.remove(registered.agent(), registered);
            if ((before == null || !isLive(before, now)) && isLive(registered, now)) {
                log.info("Agent '{}' is live (instance {}, requests on {}, {} skills)", registered.agent(),
                        registered.instanceId(), registered.requestTopic(), registered.skills().size());
            }
        });
    }

    private static AgentRegistered newer(AgentRegistered old, AgentRegistered fresh) {
        return fresh.occurredAt().isAfter(old.occurredAt()) ? fresh : old;
    }

    /** Told the live agents when one joined or announced a different card, on the learner's thread. */
    public void onChange(Consumer<List<LiveAgent>> listener) {
        listeners.add(listener);
    }

    void forget(String agent) {
        pending.remove(agent);
        latest.remove(agent);
    }

    /** The live agents, sorted by name. */
    public List<LiveAgent> live() {
        return liveOf(latest.values(), clock.instant());
    }

    private List<LiveAgent> liveOf(java.util.Collection<AgentRegistered> registrations, Instant now) {
        return registrations.stream()
                .filter(registered -> isLive(registered, now))
                .sorted(Comparator.comparing(AgentRegistered::agent))
                .map(LiveAgent::of)
                .toList();
    }

    private boolean isLive(AgentRegistered registered, Instant now) {
        return registered.occurredAt().plus(livenessTimeout).isAfter(now);
    }

    @Override
    public void destroy() {
        learner.shutdownNow();
    }
}
