package dev.agentmesh.memory.query;

import dev.agentmesh.memory.Identifiers;
import dev.agentmesh.memory.store.StoreJson;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Answers other memory-store instances for users whose partition this one owns; never forwards. Internal, like
 * the rest of this service's API: only the gateway and peers may reach it.
 */
@RestController
class PeerController {

    static final String PATH = "/internal/memory/users/{userId}";

    private final MemoryQueries queries;

    PeerController(MemoryQueries queries) {
        this.queries = queries;
    }

    @GetMapping(value = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> memory(@PathVariable String userId) {
        Identifiers.require(userId, "userId");
        return ResponseEntity.ok(StoreJson.MAPPER.writeValueAsBytes(queries.readLocal(userId)));
    }
}
