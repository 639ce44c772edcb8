package dev.agentmesh.gateway.access;

import dev.agentmesh.gateway.GatewayProperties;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** How many sessions each client holds on this instance, bounded by {@code maxSessionsPerClient}. */
@Component
public class ClientSessions {

    private final Map<String, Integer> open = new ConcurrentHashMap<>();
    private final int limit;

    public ClientSessions(GatewayProperties properties) {
        this.limit = properties.access().maxSessionsPerClient();
    }

    /** Takes a slot for the client; false when it already holds its limit. */
    public boolean tryOpen(String client) {
        boolean[] taken = {false};
        open.compute(client, (key, count) -> {
            int current = count == null ? 0 : count;
            if (current >= limit) {
                return current;
            }
            taken[0] = true;
            return current + 1;
        });
        return taken[0];
    }

    public void closed(String client) {
        open.computeIfPresent(client, (key, count) -> count <= 1 ? null : count - 1);
    }
}
