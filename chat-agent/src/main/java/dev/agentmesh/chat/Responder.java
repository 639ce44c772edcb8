package dev.agentmesh.chat;

import dev.agentmesh.sdk.AgentException;
import dev.agentmesh.sdk.AgentRequest;

/** Writes the chat agent's answer: a language model, or the offline composer. */
interface Responder {

    String respond(AgentRequest request) throws AgentException;
}
