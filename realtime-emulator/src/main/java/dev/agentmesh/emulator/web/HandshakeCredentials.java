package dev.agentmesh.emulator.web;

import java.util.List;
import java.util.Map;

import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Reads what the upgrade request carries: the model, the credential (a bearer token, an Azure-style
 * {@code api-key}, or the browser subprotocol {@code openai-insecure-api-key.<key>}) and whether the
 * client asked for the retired beta shape. Stored as session attributes for the handler.
 */
final class HandshakeCredentials implements HandshakeInterceptor {

    static final String MODEL = "realtime.model";
    static final String CREDENTIAL = "realtime.credential";
    static final String BETA = "realtime.beta";

    private static final String KEY_PROTOCOL_PREFIX = "openai-insecure-api-key.";

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
            Map<String, Object> attributes) {
        String model = UriComponentsBuilder.fromUri(request.getURI()).build().getQueryParams().getFirst("model");
        attributes.put(MODEL, model == null ? "" : java.net.URLDecoder.decode(model, java.nio.charset.StandardCharsets.UTF_8));
        List<String> protocols = request.getHeaders().getOrEmpty("Sec-WebSocket-Protocol").stream()
                .flatMap(header -> java.util.Arrays.stream(header.split(",")))
                .map(String::strip)
                .toList();
        attributes.put(CREDENTIAL, credential(request, protocols));
        boolean beta = "realtime=v1".equalsIgnoreCase(request.getHeaders().getFirst("OpenAI-Beta"))
                || protocols.contains("openai-beta.realtime-v1");
        attributes.put(BETA, beta);
        return true;
    }

    private static String credential(ServerHttpRequest request, List<String> protocols) {
        String authorization = request.getHeaders().getFirst("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).strip();
        }
        String apiKey = request.getHeaders().getFirst("api-key");
        if (apiKey != null) {
            return apiKey.strip();
        }
        return protocols.stream()
                .filter(protocol -> protocol.startsWith(KEY_PROTOCOL_PREFIX))
                .map(protocol -> protocol.substring(KEY_PROTOCOL_PREFIX.length()))
                .findFirst()
                .orElse("");
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
            Exception exception) {
    }
}
