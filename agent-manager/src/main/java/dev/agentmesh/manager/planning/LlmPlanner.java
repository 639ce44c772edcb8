package dev.agentmesh.manager.planning;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import dev.agentmesh.events.ContextEntry;
import dev.agentmesh.llm.LlmEndpoint;
import dev.agentmesh.llm.RestClientTransport;
import dev.agentmesh.manager.ManagerProperties;
import dev.agentmesh.manager.registry.LiveAgent;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plans through an OpenAI-compatible chat completions endpoint with function calling: the model must call
 * {@code plan_agents} with stages of live agent names. Anything else (an HTTP error, a timeout, an unknown or
 * repeated agent) is an {@link IllegalStateException}, which {@link FallbackPlanner} answers locally. Calls go
 * through the OpenAI Java SDK over Spring's observed RestClient ({@link RestClientTransport}), bounded by
 * {@code manager.llm.timeout}, without the SDK's retries (the fallback is the answer to a failed call).
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

    private final OpenAIClient client;
    private final String model;

    /** @param http the {@link RestClient.Builder} Spring injected */
    LlmPlanner(ManagerProperties.Llm llm, RestClient.Builder http) {
        this.client = RestClientTransport.openAi(llm.endpoint(), http, llm.timeout());
        this.model = llm.model();
    }

    @Override
    public Plan plan(String request, List<ContextEntry> context, List<LiveAgent> agents) {
        if (agents.isEmpty()) {
            return new Plan(List.of(), NAME, "no agent is live");
        }
        ChatCompletion completion;
        try {
            completion = client.chat().completions().create(params(request, context, agents));
        } catch (OpenAIInvalidDataException e) {
            throw new IllegalStateException("the planning model's answer is not valid JSON", e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the planning model could not be reached: " + e.getClass().getSimpleName(),
                    e);
        }
        return parse(completion, agents);
    }

    private ChatCompletionCreateParams params(String request, List<ContextEntry> context, List<LiveAgent> agents) {
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
        ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model(model)
                .addSystemMessage(SYSTEM_PROMPT + "\n" + catalogue);
        context.forEach(entry -> {
            switch (entry.role()) {
                case "user" -> params.addUserMessage(entry.text());
                case "assistant" -> params.addAssistantMessage(entry.text());
                default -> { } // other agents' results say nothing about whom to ask
            }
        });
        params.addUserMessage(request);
        Map<String, Object> stages = Map.of("type", "array", "minItems", 1, "items", Map.of(
                "type", "array", "minItems", 1, "items", Map.of("type", "string", "enum", names)));
        FunctionParameters parameters = FunctionParameters.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of("stages", stages,
                        "rationale", Map.of("type", "string"))))
                .putAdditionalProperty("required", JsonValue.from(List.of("stages", "rationale")))
                .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                .build();
        return params.addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                        .name("plan_agents").description("Which agents answer the request, in which stages")
                        .parameters(parameters).build()).build())
                .toolChoice(ChatCompletionNamedToolChoice.builder().function(
                        ChatCompletionNamedToolChoice.Function.builder().name("plan_agents").build()).build())
                .build();
    }

    static Plan parse(ChatCompletion completion, List<LiveAgent> agents) {
        JsonNode arguments;
        try {
            ChatCompletionMessageFunctionToolCall.Function call = completion.choices().stream().findFirst()
                    .flatMap(choice -> choice.message().toolCalls()).flatMap(calls -> calls.stream().findFirst())
                    .flatMap(ChatCompletionMessageToolCall::function)
                    .map(ChatCompletionMessageFunctionToolCall::function)
                    .filter(function -> function.name().equals("plan_agents"))
                    .orElseThrow(() -> new IllegalStateException("the planning model did not call plan_agents"));
            arguments = JSON.readTree(call.arguments());
        } catch (OpenAIInvalidDataException e) {
            throw new IllegalStateException("the planning model's answer is not valid JSON", e);
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
