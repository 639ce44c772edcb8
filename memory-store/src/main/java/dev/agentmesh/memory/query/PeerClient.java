package dev.agentmesh.memory.query;

import dev.agentmesh.memory.MemoryProperties;
import dev.agentmesh.memory.store.StoreJson;
import org.apache.kafka.streams.state.HostInfo;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

import java.net.http.HttpClient;
import java.time.Duration;

/** The HTTP hop to the instance that owns a user's partition ({@link PeerController} answers it). */
@Component
class PeerClient {

    private final RestClient http;

    PeerClient(MemoryProperties properties) {
        Duration timeout = properties.query().peerTimeout();
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().connectTimeout(timeout).build());
        requests.setReadTimeout(timeout);
        this.http = RestClient.builder().requestFactory(requests).build();
    }

    UserMemory fetch(HostInfo owner, String userId) {
        try {
            byte[] body = http.get()
                    .uri("http://{host}:{port}" + PeerController.PATH, owner.host(), owner.port(), userId)
                    .retrieve()
                    .body(byte[].class);
            if (body == null) {
                throw new StoreUnavailableException("the owning instance answered without a body");
            }
            return StoreJson.MAPPER.readValue(body, UserMemory.class);
        } catch (RestClientResponseException e) {
            throw new StoreUnavailableException("the owning instance answered " + e.getStatusCode().value(), e);
        } catch (RestClientException e) {
            throw new StoreUnavailableException("the owning instance cannot be reached", e);
        }
    }
}
