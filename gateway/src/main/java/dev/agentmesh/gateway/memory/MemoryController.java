package dev.agentmesh.gateway.memory;

import dev.agentmesh.gateway.access.ClientAuthenticator;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Collections;
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
    ResponseEntity<String> profile(HttpServletRequest request) {
        return relay(request, "GET", "/profile", null);
    }

    @PutMapping(path = "/profile", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<String> setProfile(HttpServletRequest request, @RequestBody String body) {
        return relay(request, "PUT", "/profile", body);
    }

    @DeleteMapping("/profile/{field}")
    ResponseEntity<String> forgetFact(HttpServletRequest request, @PathVariable String field) {
        return ID.matcher(field).matches() ? relay(request, "DELETE", "/profile/" + field, null)
                : error(HttpStatus.BAD_REQUEST, "no such profile field");
    }

    @GetMapping("/conversations")
    ResponseEntity<String> conversations(HttpServletRequest request) {
        return relay(request, "GET", "/conversations", null);
    }

    @GetMapping("/conversations/{conversationId}")
    ResponseEntity<String> conversation(HttpServletRequest request, @PathVariable String conversationId) {
        return ID.matcher(conversationId).matches()
                ? relay(request, "GET", "/conversations/" + conversationId, null)
                : error(HttpStatus.BAD_REQUEST, "not a conversation id");
    }

    /** Forget me: the profile and every stored conversation of this user. */
    @DeleteMapping
    ResponseEntity<String> forget(HttpServletRequest request) {
        return relay(request, "DELETE", "", null);
    }

    private ResponseEntity<String> relay(HttpServletRequest request, String method, String path, String body) {
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

    private Optional<String> user(HttpServletRequest request) {
        HttpHeaders headers = new HttpHeaders();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.addAll(name, Collections.list(request.getHeaders(name)));
        }
        URI uri = UriComponentsBuilder.fromUriString(request.getRequestURL().toString())
                .query(request.getQueryString()).build(true).toUri();
        InetSocketAddress remote = new InetSocketAddress(request.getRemoteAddr(), request.getRemotePort());
        return authenticator.authenticate(headers, uri, remote)
                .flatMap(client -> authenticator.user(headers, uri, client));
    }

    private static ResponseEntity<String> error(HttpStatus status, String message) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .body("{\"error\":\"" + message.replace("\"", "'") + "\"}");
    }
}
