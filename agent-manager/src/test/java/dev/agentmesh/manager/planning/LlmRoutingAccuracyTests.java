package dev.agentmesh.manager.planning;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.agentmesh.manager.ManagerProperties;
import dev.agentmesh.manager.planning.RoutingEvaluation.Example;
import dev.agentmesh.manager.planning.RoutingEvaluation.Report;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The LLM planner on the same evaluation set. By default against a scripted OpenAI-compatible server that answers
 * each request with its labelled plan as a {@code plan_agents} tool call in the chat.completion format: the
 * figure measures the planner's own work (prompt, tool schema, reading and checking the tool call), not a model.
 * With {@code -Drouting.llm.base-url=https://api.openai.com/v1} (and {@code OPENAI_API_KEY} in the environment, or
 * {@code LLM_API_KEY} for another OpenAI-compatible endpoint; {@code -Drouting.llm.model=...} optionally) it
 * measures that real model instead; never in CI.
 */
class LlmRoutingAccuracyTests {

    private static final Logger log = LoggerFactory.getLogger(LlmRoutingAccuracyTests.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void measuresTheLlmPlannerOnBothParts() {
        List<Example> dev = new ArrayList<>(RoutingEvaluation.sharedDevSet());
        dev.addAll(RoutingEvaluation.resource("/routing/dev.jsonl"));
        List<Example> heldOut = RoutingEvaluation.resource("/routing/held-out.jsonl");
        String realModel = System.getProperty("routing.llm.base-url");
        WireMockServer fake = null;
        String baseUrl = realModel;
        if (realModel == null) {
            Map<String, List<Set<String>>> labels = new HashMap<>();
            dev.forEach(example -> labels.put(example.request(), example.stages()));
            heldOut.forEach(example -> labels.put(example.request(), example.stages()));
            fake = new WireMockServer(options().dynamicPort().extensions(new ScriptedModel(labels)));
            fake.start();
            fake.stubFor(post("/v1/chat/completions").willReturn(aResponse().withTransformers(ScriptedModel.NAME)));
            baseUrl = fake.baseUrl() + "/v1";
        }
        try {
            String llmKey = realModel == null ? "" : System.getenv().getOrDefault("LLM_API_KEY", "");
            String openAiKey = realModel == null ? "" : System.getenv().getOrDefault("OPENAI_API_KEY", "");
            LlmPlanner planner = new LlmPlanner(new ManagerProperties.Llm(llmKey, openAiKey, baseUrl,
                    System.getProperty("routing.llm.model", "gpt-4.1-mini"), Duration.ofSeconds(20)),
                    RestClient.builder());
            String against = realModel == null ? "scripted fake" : realModel;
            Report devReport = RoutingEvaluation.measure("llm planner (" + against + "), development part", planner,
                    dev, RoutingEvaluation.shippedAgents());
            Report heldOutReport = RoutingEvaluation.measure("llm planner (" + against + "), held-out part", planner,
                    heldOut, RoutingEvaluation.shippedAgents());
            log.info("\n{}\n{}{}\n{}", devReport.summary(), devReport.table(), heldOutReport.summary(),
                    heldOutReport.table());

            if (realModel == null) {
                assertThat(devReport.exactStages).isEqualTo(devReport.total);
                assertThat(heldOutReport.exactStages).isEqualTo(heldOutReport.total);
            }
        } finally {
            if (fake != null) {
                fake.stop();
            }
        }
    }

    /** Answers with the labelled plan of the conversation's last user message, or with chat alone. */
    static final class ScriptedModel implements ResponseDefinitionTransformerV2 {

        static final String NAME = "scripted-model";
        private final Map<String, List<Set<String>>> labels;

        ScriptedModel(Map<String, List<Set<String>>> labels) {
            this.labels = labels;
        }

        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            JsonNode body = JSON.readTree(serveEvent.getRequest().getBodyAsString());
            JsonNode messages = body.path("messages");
            String request = messages.path(messages.size() - 1).path("content").asString("");
            List<Set<String>> stages = labels.getOrDefault(request, List.of(Set.of("chat")));
            String arguments = JSON.writeValueAsString(Map.of("stages", stages, "rationale", "scripted"));
            String response = JSON.writeValueAsString(Map.of("id", "chatcmpl-1", "object", "chat.completion",
                    "model", body.path("model").asString(""), "choices", List.of(Map.of("index", 0,
                            "finish_reason", "tool_calls", "message", Map.of("role", "assistant", "tool_calls",
                                    List.of(Map.of("id", "call_1", "type", "function", "function",
                                            Map.of("name", "plan_agents", "arguments", arguments))))))));
            return new ResponseDefinition(200, response);
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public String getName() {
            return NAME;
        }
    }
}
