package dev.agentmesh.manager.planning;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.agentmesh.manager.ManagerProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.RestClient;

import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The LLM planner against a fake OpenAI-compatible server answering in the real chat.completion format. */
class LlmPlannerTests {

    private final WireMockServer server = new WireMockServer(options().dynamicPort());

    @BeforeEach
    void start() {
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void plansFromTheModelsToolCall() {
        answerWithPlan("[[\\\"weather\\\",\\\"news\\\"],[\\\"chat\\\"]]");

        Plan plan = planner("sk-test").plan("Are today's news and weather related?", List.of(),
                RoutingEvaluation.shippedAgents());

        assertThat(plan.stages()).containsExactly(List.of("weather", "news"), List.of("chat"));
        assertThat(plan.planner()).isEqualTo("llm");
        server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer sk-test"))
                .withRequestBody(matchingJsonPath("$.model", equalTo("test-model")))
                .withRequestBody(matchingJsonPath("$.tools[0].function.name", equalTo("plan_agents")))
                .withRequestBody(matchingJsonPath(
                        "$.tools[0].function.parameters.properties.stages.items.items.enum[?(@ == 'weather')]"))
                .withRequestBody(matchingJsonPath("$.tool_choice.function.name", equalTo("plan_agents"))));
    }

    @Test
    void sendsNoAuthorizationHeaderWithoutAKey() {
        answerWithPlan("[[\\\"chat\\\"]]");

        planner("").plan("Hello", List.of(), RoutingEvaluation.shippedAgents());

        server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withHeader("Authorization", absent()));
    }

    @Test
    void rejectsAnAgentThatIsNotLive() {
        answerWithPlan("[[\\\"stocks\\\"]]");

        assertThatThrownBy(() -> planner("k").plan("Apple stock?", List.of(), RoutingEvaluation.shippedAgents()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not live: stocks");
    }

    @Test
    void fallsBackToTheLocalPlannerOnServerErrorsTimeoutsAndGarbage() {
        Planner local = (request, context, agents) -> new Plan(List.of(List.of("weather")), "local", "fallback");

        server.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(500)));
        assertThat(new FallbackPlanner(planner("k"), local).plan("rain?", List.of(), RoutingEvaluation.shippedAgents())
                .planner()).isEqualTo("local");

        server.stubFor(post("/v1/chat/completions").willReturn(aResponse().withFixedDelay(3_000).withBody("{}")));
        assertThat(new FallbackPlanner(planner("k"), local).plan("rain?", List.of(), RoutingEvaluation.shippedAgents())
                .planner()).isEqualTo("local");

        server.stubFor(post("/v1/chat/completions").willReturn(aResponse().withHeader("Content-Type",
                "application/json").withBody("{\"choices\": [{\"message\": {\"content\": \"I think weather\"}}]}")));
        assertThat(new FallbackPlanner(planner("k"), local).plan("rain?", List.of(), RoutingEvaluation.shippedAgents())
                .planner()).isEqualTo("local");
    }

    private LlmPlanner planner(String key) {
        return new LlmPlanner(new ManagerProperties.Llm(key, "", server.baseUrl() + "/v1", "test-model",
                Duration.ofMillis(800)), RestClient.builder());
    }

    private void answerWithPlan(String stagesJson) {
        server.stubFor(post("/v1/chat/completions").willReturn(aResponse()
                .withHeader("Content-Type", "application/json")
                .withBody("""
                        {
                          "id": "chatcmpl-123",
                          "object": "chat.completion",
                          "created": 1764000000,
                          "model": "test-model",
                          "choices": [{
                            "index": 0,
                            "message": {
                              "role": "assistant",
                              "content": null,
                              "tool_calls": [{
                                "id": "call_abc",
                                "type": "function",
                                "function": {
                                  "name": "plan_agents",
                                  "arguments": "{\\"stages\\": %s, \\"rationale\\": \\"because\\"}"
                                }
                              }]
                            },
                            "finish_reason": "tool_calls"
                          }],
                          "usage": {"prompt_tokens": 80, "completion_tokens": 20, "total_tokens": 100}
                        }
                        """.formatted(stagesJson))));
    }
}
