package dev.agentmesh.manager.planning;

import dev.agentmesh.events.ContextEntry;
import dev.agentmesh.llm.LlmEndpoint;
import dev.agentmesh.manager.ManagerProperties;
import dev.agentmesh.manager.registry.LiveAgent;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plans through an OpenAI-compatible chat completions endpoint with function calling: the model must call
 * {@code plan_agents} with stages of live agent names. Anything else (an HTTP error, a timeout, an unknown or
 * repeated agent) is an {@link IllegalStateException}, which {@link FallbackPlanner} answers locally.
 */
final class LlmPlanner implements Planner {

    static final String NAME = "llm";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Examples per skill in the prompt: enough to show the model the card, few enough to keep the prompt short. */
    private static final int EXAMPLES_PER_SKILL = 5;
    private static final String SYSTEM_PROMPT = """
            You route a user's request to agents. Call plan_agents with the stages to run. Stage 1 agents run in \
            parallel; put an agent in stage 2 only when it needs stage-1 answers (for example to relate, explain \
            or advise on them). Use only the agents listed. Use as few agents as answer the request fully.""";

    private final RestClient http;
    private final String model;

    LlmPlanner(ManagerProperties.Llm llm) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(llm.timeout()).build();
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(client);
        requests.setReadTimeout(llm.timeout());
        LlmEndpoint endpoint = llm.endpoint();
        RestClient.Builder builder = RestClient.builder().baseUrl(endpoint.baseUrl()).requestFactory(requests)
                .defaultHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE);
        endpoint.apiKey().ifPresent(key -> builder.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + key));
        this.http = builder.build();
        this.model = llm.model();
    }

    @Override
    public Plan plan(String request, List<ContextEntry> context, List<LiveAgent> agents) {
        if (agents.isEmpty()) {
            return new Plan(List.of(), NAME, "no agent is live");
        }
        String response;
        try {
            response = http.post().uri("/chat/completions").body(JSON.writeValueAsString(body(request, context, agents)))
                    .retrieve().body(String.class);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the planning model could not be reached: " + e.getClass().getSimpleName(),
                    e);
        }
        return parse(response, agents);
    }

    private Map<String, Object> body(String request, List<ContextEntry> context, List<LiveAgent> agents) {
        List<String> names = agents.stream().map(LiveAgent::name).toList();
        StringBuilder catalogue = new StringBuilder("Agents:\n");
        agents.forEach(agent -> {
            catalogue.append("- ").append(agent.name()).append(": ").append(agent.description()).append('\n');
            agent.card().skills().forEach(skill -> {
                catalogue.append("  - skill ").append(skill.name()).append(": ").append(skill.description());
                if (skill.buildsOnOtherAgents()) {
                    catalogue.append(" [works on other agents' answers: stage 2 only]");
                }
                if (!skill.examples().isEmpty()) {
                    catalogue.append(" Examples: ").append(String.join(" | ", skill.examples().stream()
                            .limit(EXAMPLES_PER_SKILL).toList()));
                }
                catalogue.append('\n');
            });
        });
        List<Map<String, Object>> messages = new ArrayList<>();
        messages.add(Map.of("role", "system", "content", SYSTEM_PROMPT + "\n" + catalogue));
        context.stream().filter(entry -> entry.role().equals("user") || entry.role().equals("assistant"))
                .forEach(entry -> messages.add(Map.of("role", entry.role(), "content", entry.text())));
        messages.add(Map.of("role", "user", "content", request));
        Map<String, Object> stages = Map.of("type", "array", "minItems", 1, "items", Map.of(
                "type", "array", "minItems", 1, "items", Map.of("type", "string", "enum", names)));
        Map<String, Object> function = Map.of("name", "plan_agents",
                "description", "Which agents answer the request, in which stages",
                "parameters", Map.of("type", "object",
                        "properties", Map.of("stages", stages, "rationale", Map.of("type", "string")),
                        "required", List.of("stages", "rationale"), "additionalProperties", false));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", model);
        body.put("messages", messages);
        body.put("tools", List.of(Map.of("type", "function", "function", function)));
        body.put("tool_choice", Map.of("type", "function", "function", Map.of("name", "plan_agents")));
        return body;
    }

    static Plan parse(String response, List<LiveAgent> agents) {
        JsonNode arguments;
        try {
            JsonNode call = JSON.readTree(response).path("choices").path(0).path("message").path("tool_calls").path(0);
            if (!"plan_agents".equals(call.path("function").path("name").asString(""))) {
                throw new IllegalStateException("the planning model did not call plan_agents");
            }
            arguments = JSON.readTree(call.path("function").path("arguments").asString(""));
        } catch (tools.jackson.core.JacksonException e) {
            throw new IllegalStateException("the planning model's answer is not valid JSON", e);
        }
        Set<String> live = new HashSet<>(agents.stream().map(LiveAgent::name).toList());
        Set<String> seen = new HashSet<>();
        List<List<String>> stages = new ArrayList<>();
        for (JsonNode stage : arguments.path("stages")) {
            List<String> names = new ArrayList<>();
            for (JsonNode name : stage) {
                String agent = name.asString("");
                if (!live.contains(agent)) {
                    throw new IllegalStateException("the planning model chose an agent that is not live: " + agent);
                }
                if (!seen.add(agent)) {
                    throw new IllegalStateException("the planning model chose " + agent + " twice");
                }
                names.add(agent);
            }
            stages.add(names);
        }
        Plan plan = new Plan(stages, NAME, arguments.path("rationale").asString(""));
        if (plan.stages().isEmpty()) {
            throw new IllegalStateException("the planning model chose no agent");
        }
        return plan;
    }
}
