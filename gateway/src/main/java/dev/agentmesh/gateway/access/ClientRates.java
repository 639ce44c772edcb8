package dev.agentmesh.gateway.access;

import dev.agentmesh.gateway.GatewayProperties;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one client may start per minute on this instance, across all its sessions: new sessions and delegated
 * tasks. Buckets of clients that went quiet (refilled completely) are dropped, so the map holds active clients.
 */
@Component
public class ClientRates {

    private static final long SWEEP_NANOS = 60_000_000_000L;

    private final int connectsPerMinute;
    private final int tasksPerMinute;
    private final Map<String, TokenBucket> connects = new ConcurrentHashMap<>();
    private final Map<String, TokenBucket> tasks = new ConcurrentHashMap<>();
    private volatile long lastSweep = System.nanoTime();

    @org.springframework.beans.factory.annotation.Autowired
    public ClientRates(GatewayProperties properties) {
        this(properties.limits().connectsPerMinute(), properties.limits().tasksPerMinute());
    }

    ClientRates(int connectsPerMinute, int tasksPerMinute) {
        this.connectsPerMinute = connectsPerMinute;
        this.tasksPerMinute = tasksPerMinute;
    }

    /** A new session for the client; false when it opened {@code connectsPerMinute} in the last minute. */
    public boolean tryConnect(String client) {
        return take(connects, client, connectsPerMinute);
    }

    /** A delegated task for the client; false when it started {@code tasksPerMinute} in the last minute. */
    public boolean tryTask(String client) {
        return take(tasks, client, tasksPerMinute);
    }

    private boolean take(Map<String, TokenBucket> buckets, String client, int perMinute) {
        sweep();
        TokenBucket bucket = buckets.computeIfAbsent(client, key -> new TokenBucket(perMinute / 60.0, perMinute));
        synchronized (bucket) {
            return bucket.tryAcquire();
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        if (now - lastSweep < SWEEP_NANOS) {
            return;
        }
        lastSweep = now;
        for (Map<String, TokenBucket> buckets : java.util.List.of(connects, tasks)) {
            buckets.entrySet().removeIf(entry -> {
                synchronized (entry.getValue()) {
                    return entry.getValue().full();
                }
            });
        }
    }
}
