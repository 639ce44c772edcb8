package dev.agentmesh.sdk.runtime;

import dev.agentmesh.events.AgentCard;
import dev.agentmesh.events.Topics;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Serves the agent's card at {@code /.well-known/agent-card.json}, where A2A clients look for it, in an agent
 * service that runs a servlet web server. The A2A fields come first; the mesh's own fields (request topic) are in
 * an extension object, since the agent is reached over Kafka rather than an A2A protocol binding.
 */
@AutoConfiguration(after = AgentAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnBean(AgentCard.class)
public class AgentCardEndpoint {

    public static final String PATH = "/.well-known/agent-card.json";

    @Bean
    RouterFunction<ServerResponse> agentCardRoute(AgentCard agentCard) {
        Map<String, Object> body = wellKnown(agentCard);
        return RouterFunctions.route().GET(PATH, request -> ServerResponse.ok()
                .contentType(MediaType.APPLICATION_JSON).body(body)).build();
    }

    static Map<String, Object> wellKnown(AgentCard card) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", card.name());
        body.put("description", card.description());
        body.put("version", card.version());
        body.put("supportedInterfaces", List.of());
        body.put("capabilities", Map.of("streaming", false, "pushNotifications", false));
        body.put("defaultInputModes", card.defaultInputModes());
        body.put("defaultOutputModes", card.defaultOutputModes());
        body.put("skills", card.skills());
        body.put("agentMesh", Map.of("requestTopic", Topics.requestsFor(card.name()),
                "registryTopic", Topics.AGENT_REGISTRY));
        return body;
    }
}
