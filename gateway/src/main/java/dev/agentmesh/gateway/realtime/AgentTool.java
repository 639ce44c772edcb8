package dev.agentmesh.gateway.realtime;

import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.gateway.tasks.AgentCatalog;
import dev.agentmesh.gateway.tasks.LiveAgent;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The one server-owned function tool, {@code ask_agents}: its definition (the agents live right now, as their cards
 * describe them),
 * its argument, and the JSON its calls are answered with.
 */
final class AgentTool {

    static final String NAME = "ask_agents";
    /** Enough to show the model what an agent takes, few enough to keep the session's instructions short. */
    private static final int EXAMPLES_PER_SKILL = 2;

    private final AgentCatalog catalog;

    AgentTool(AgentCatalog catalog) {
        this.catalog = catalog;
    }

    ObjectNode definition() {
        ObjectNode tool = RealtimeJson.object();
        tool.put("type", "function");
        tool.put("name", NAME);
        String agents = catalog.live().stream().map(AgentTool::describe).collect(Collectors.joining("; "));
        tool.put("description", "Ask the live agents for up-to-date information and wait for their answers. Use it "
                + "whenever the user wants live data: weather, news, or how such facts relate. Agents live now: "
                + (agents.isEmpty() ? "none have announced themselves yet" : agents) + ".");
        ObjectNode parameters = tool.putObject("parameters");
        parameters.put("type", "object");
        ObjectNode request = parameters.putObject("properties").putObject("request");
        request.put("type", "string");
        request.put("description", "The user's request in full and self-contained: name places and topics "
                + "instead of pronouns.");
        parameters.putArray("required").add("request");
        return tool;
    }

    /** One agent as its card describes it: description, skill names and a couple of example requests. */
    static String describe(LiveAgent agent) {
        StringBuilder text = new StringBuilder(agent.name()).append(" (").append(agent.description());
        List<String> skills = agent.skills().stream().map(LiveAgent.Skill::name).toList();
        if (!skills.isEmpty()) {
            text.append(" Skills: ").append(String.join(", ", skills)).append('.');
        }
        List<String> examples = agent.skills().stream().flatMap(skill -> skill.examples().stream()
                .limit(EXAMPLES_PER_SKILL)).toList();
        if (!examples.isEmpty()) {
            text.append(" For example: ").append(examples.stream().map(example -> "\"" + example + "\"")
                    .collect(Collectors.joining(", "))).append('.');
        }
        return text.append(')').toString();
    }

    /** The {@code request} argument of a call, or an IllegalArgumentException that says what is wrong. */
    static String requestFrom(String arguments) {
        if (arguments == null || arguments.isBlank()) {
            throw new IllegalArgumentException("the call has no arguments; expected {\"request\": \"...\"}");
        }
        JsonNode parsed;
        try {
            parsed = RealtimeJson.MAPPER.readTree(arguments);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the arguments are not valid JSON; expected {\"request\": \"...\"}");
        }
        String request = parsed == null ? null : RealtimeJson.text(parsed, "request");
        if (request == null || request.isBlank()) {
            throw new IllegalArgumentException("the arguments need a non-empty string 'request'");
        }
        return request.strip();
    }

    /** Per agent: name, status (answered, failed, timed_out), and the answer or the reason. */
    static String output(AgentTaskCompleted result) {
        ObjectNode output = RealtimeJson.object();
        ArrayNode agents = output.putArray("agents");
        for (AgentOutcome outcome : result.outcomes()) {
            ObjectNode agent = agents.addObject();
            agent.put("name", outcome.agent());
            agent.put("status", status(outcome.status()));
            if (outcome.answer() != null) {
                agent.put("answer", outcome.answer());
            }
            if (outcome.reason() != null) {
                agent.put("reason", outcome.reason());
            }
        }
        output.put("partial", result.partial());
        if (result.outcomes().isEmpty()) {
            output.put("note", "No agent could take this request.");
        }
        return RealtimeJson.write(output);
    }

    /** The answer to a call the agents could not take at all. */
    static String failure(String reason) {
        ObjectNode output = RealtimeJson.object();
        output.putArray("agents");
        output.put("partial", true);
        output.put("error", reason);
        return RealtimeJson.write(output);
    }

    static String cancelled(String reason) {
        ObjectNode output = RealtimeJson.object();
        output.put("cancelled", true);
        output.put("reason", reason);
        return RealtimeJson.write(output);
    }

    static String status(AgentOutcome.Status status) {
        return switch (status) {
            case ANSWERED -> "answered";
            case FAILED -> "failed";
            case TIMED_OUT -> "timed_out";
        };
    }
}
