package dev.agentmesh.gateway.memory;

import dev.agentmesh.events.ContextEntry;
import dev.agentmesh.gateway.GatewayProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The gateway's client of the memory-store service, which keeps conversations and user profiles on Kafka: a
 * resumed conversation's turns, and the profile pages and tasks use. Each call names the user the gateway
 * authenticated, so a user reads only their own data. Without {@code MEMORY_STORE_URL} there is no memory:
 * conversations are not resumed and tasks carry no profile. Logs name ids, never content.
 */
@Component
public class MemoryStore {

    private static final Logger log = LoggerFactory.getLogger(MemoryStore.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What the store answered: a status and a JSON body (possibly empty). */
    public record Reply(int status, String body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final String base;
    private final Duration timeout;
    private final HttpClient http;

    public MemoryStore(GatewayProperties properties) {
        GatewayProperties.Memory memory = properties.memory();
        this.base = memory.storeUrl() == null ? "" : memory.storeUrl().replaceAll("/+$", "");
        this.timeout = memory.storeTimeout();
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public boolean enabled() {
        return StringUtils.hasText(base);
    }

    /** The turns of the user's conversation, oldest first; empty when there is none (or it is someone else's). */
    public Optional<List<ContextEntry>> conversation(String user, String conversationId) {
        if (!enabled()) {
            return Optional.empty();
        }
        Reply reply = send("GET", userPath(user) + "/conversations/" + encode(conversationId), null);
        if (!reply.ok()) {
            if (reply.status() != 404) {
                log.warn("Memory store answered {} for a conversation: conversationId={}", reply.status(),
                        conversationId);
            }
            return Optional.empty();
        }
        List<ContextEntry> turns = new ArrayList<>();
        for (JsonNode turn : JSON.readTree(reply.body()).path("turns")) {
            turns.add(new ContextEntry(turn.path("role").asString(""), turn.path("text").asString("")));
        }
        return Optional.of(turns);
    }

    /**
     * The user's profile as a task carries it, fetched without blocking the caller; completes with null when there
     * is no memory, nothing is known, or the store does not answer in time.
     */
    public java.util.concurrent.CompletableFuture<dev.agentmesh.events.UserContext> profile(String user) {
        if (!enabled() || user == null) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + userPath(user) + "/profile")).timeout(timeout)
                .header("Accept", "application/json").GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> response.statusCode() == 200 ? userContext(JSON.readTree(response.body())) : null)
                .exceptionally(error -> {
                    log.warn("Memory store did not give a profile: {}", error.getClass().getSimpleName());
                    return null;
                });
    }

    private static dev.agentmesh.events.UserContext userContext(JsonNode profile) {
        List<String> interests = new ArrayList<>();
        profile.path("interests").path("value").forEach(interest -> interests.add(interest.asString()));
        dev.agentmesh.events.UserContext user = new dev.agentmesh.events.UserContext(value(profile, "name"),
                value(profile, "homeCity"), value(profile, "units"), interests, value(profile, "language"));
        return user.name() == null && user.homeCity() == null && user.units() == null && user.interests().isEmpty()
                && user.language() == null ? null : user;
    }

    private static String value(JsonNode profile, String field) {
        JsonNode value = profile.path(field).path("value");
        return value.isString() ? value.asString() : null;
    }

    /** Relays a request of the page's about the user's own data, under {@code /api/memory/users/{user}}. */
    public Reply forUser(String method, String user, String subPath, String body) {
        if (!enabled()) {
            return new Reply(503, "{\"error\":\"memory is not configured (MEMORY_STORE_URL)\"}");
        }
        return send(method, userPath(user) + subPath, body);
    }

    private String userPath(String user) {
        return "/api/memory/users/" + encode(user);
    }

    private Reply send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body());
        } catch (java.io.IOException e) {
            log.warn("Memory store unreachable: {}", e.getClass().getSimpleName());
            return new Reply(503, "{\"error\":\"the memory store cannot be reached\"}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(503, "{\"error\":\"interrupted\"}");
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
