package dev.agentmesh.chat;

import dev.agentmesh.sdk.Agent;
import dev.agentmesh.sdk.AgentException;
import dev.agentmesh.sdk.AgentRequest;
import org.springframework.stereotype.Component;

/** Conversation and synthesis: answers on its own, or relates the answers of earlier-stage agents. */
@Component
class ChatAgent implements Agent {

    private final Responder responder;

    ChatAgent(Responder responder) {
        this.responder = responder;
    }

    @Override
    public String name() {
        return "chat";
    }

    @Override
    public String handle(AgentRequest request) throws AgentException {
        return responder.respond(request);
    }
}
