package dev.agentmesh.gateway.memory;

import dev.agentmesh.gateway.access.ClientAuthenticator;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The page's view of the user's own memory, under {@code /api/me}: the profile (what the user set and what was
 * learned, editable and deletable), the conversations, and "forget me". The user is whoever the request's
 * credential names (the same credentials as the realtime socket); the memory store is asked for that user only.
 */
@RestController
@RequestMapping("/api/me")
class MemoryController {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final ClientAuthenticator authenticator;
    private final MemoryStore store;

    MemoryController(ClientAuthenticator authenticator, MemoryStore store) {
        this.authenticator = authenticator;
        this.store = store;
    }

    @GetMapping("/profile")
    Mono<ResponseEntity<String>> profile(ServerHttpRequest request) {
        return relay(request, "GET", "/profile", null);
    }

    @PutMapping(path = "/profile", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<String>> setProfile(ServerHttpRequest request, @RequestBody String body) {
        return relay(request, "PUT", "/profile", body);
    }

    @DeleteMapping("/profile/{field}")
    Mono<ResponseEntity<String>> forgetFact(ServerHttpRequest request, @PathVariable String field) {
        return ID.matcher(field).matches() ? relay(request, "DELETE", "/profile/" + field, null)
                : Mono.just(error(HttpStatus.BAD_REQUEST, "no such profile field"));
    }

    @GetMapping("/conversations")
    Mono<ResponseEntity<String>> conversations(ServerHttpRequest request) {
        return relay(request, "GET", "/conversations", null);
    }

    @GetMapping("/conversations/{conversationId}")
    Mono<ResponseEntity<String>> conversation(ServerHttpRequest request, @PathVariable String conversationId) {
        return ID.matcher(conversationId).matches()
                ? relay(request, "GET", "/conversations/" + conversationId, null)
                : Mono.just(error(HttpStatus.BAD_REQUEST, "not a conversation id"));
    }

    /** Forget me: the profile and every stored conversation of this user. */
    @DeleteMapping
    Mono<ResponseEntity<String>> forget(ServerHttpRequest request) {
        return relay(request, "DELETE", "", null);
    }

    /** The memory store is asked with a blocking client: never on the event loop. */
    private Mono<ResponseEntity<String>> relay(ServerHttpRequest request, String method, String path, String body) {
        return Mono.fromCallable(() -> relayNow(request, method, path, body)).subscribeOn(Schedulers.boundedElastic());
    }

    private ResponseEntity<String> relayNow(ServerHttpRequest request, String method, String path, String body) {
        Optional<String> user = user(request);
        if (user.isEmpty()) {
            return error(HttpStatus.UNAUTHORIZED, authenticator.required() ? "a valid credential is needed"
                    : "name the browser's user in the " + ClientAuthenticator.USER_HEADER + " header");
        }
        MemoryStore.Reply reply = store.forUser(method, user.get(), path, body);
        if (reply.status() == HttpStatus.NO_CONTENT.value()) {
            return ResponseEntity.noContent().build();
        }
        return ResponseEntity.status(reply.status()).contentType(MediaType.APPLICATION_JSON)
                .body(reply.body() == null || reply.body().isEmpty() ? "{}" : reply.body());
    }

    private Optional<String> user(ServerHttpRequest request) {
        HttpHeaders headers = request.getHeaders();
        URI uri = request.getURI();
        return authenticator.authenticate(headers, uri, request.getRemoteAddress())
                .flatMap(client -> authenticator.user(headers, uri, client));
    }

    private static ResponseEntity<String> error(HttpStatus status, String message) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .body("{\"error\":\"" + message.replace("\"", "'") + "\"}");
    }
}
