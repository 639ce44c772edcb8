package dev.agentmesh.manager.planning;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.agentmesh.manager.ManagerProperties;
import dev.agentmesh.testing.ObservedHttp;
import dev.agentmesh.testing.RecordedSpans;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.web.client.RestClient;

import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/** The planner's HTTP client against a fake endpoint on a loopback address that records its Authorization header. */
class LlmPlannerCredentialsTests {

    private final WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

    @BeforeEach
    void start() {
        server.start();
        server.stubFor(post(anyUrl()).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody("""
                        {"id":"chatcmpl-1","object":"chat.completion","created":1764000000,"model":"m",
                         "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
                           {"id":"call_1","type":"function","function":{"name":"plan_agents",
                            "arguments":"{\\"stages\\":[[\\"chat\\"]],\\"rationale\\":\\"r\\"}"}}]},
                          "finish_reason":"tool_calls"}]}""")));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @ParameterizedTest(name = "LLM_API_KEY=''{0}'' OPENAI_API_KEY=''{1}'' -> Authorization ''{2}''")
    @CsvSource(nullValues = "none", value = {
            "llm-key-1, '',           Bearer llm-key-1",
            "llm-key-1, sk-openai-2,  Bearer llm-key-1",
            "'',        sk-openai-2,  none",
            "'',        '',           none"})
    void aLocalEndpointGetsItsOwnKeyAndNeverOpenAis(String llmKey, String openAiKey, String expected) {
        ManagerProperties.Llm llm = new ManagerProperties.Llm(llmKey, openAiKey,
                "http://127.0.0.1:" + server.port() + "/v1", "test-model", Duration.ofSeconds(2));

        Plan plan = new LlmPlanner(llm, RestClient.builder())
                .plan("Hello", List.of(), RoutingEvaluation.shippedAgents());

        assertThat(plan.stages()).containsExactly(List.of("chat"));
        assertThat(server.findAll(anyRequestedFor(anyUrl()))).singleElement().satisfies(request -> assertThat(
                request.containsHeader("Authorization") ? request.getHeader("Authorization") : null)
                .isEqualTo(expected));
    }

    @Test
    void everyCallIsMeasuredAndCarriesTheTraceToTheEndpoint() {
        ObservedHttp observed = new ObservedHttp();
        RecordedSpans spans = observed.spans();
        ManagerProperties.Llm llm = new ManagerProperties.Llm("k", "", "http://127.0.0.1:" + server.port() + "/v1",
                "test-model", Duration.ofSeconds(2));
        // the builder Spring Boot injects, as PlanningConfiguration receives it
        observed.context().run(context -> {
            LlmPlanner planner = new LlmPlanner(llm, context.getBean(RestClient.Builder.class));
            Span planning = spans.tracer().nextSpan().name("plan task").start();
            try (Tracer.SpanInScope ignored = spans.tracer().withSpan(planning)) {
                assertThat(planner.plan("Hello", List.of(), RoutingEvaluation.shippedAgents()).stages())
                        .containsExactly(List.of("chat"));
            }
            planning.end();

            assertThat(observed.requests("127.0.0.1", 200)).isEqualTo(1);
            assertThat(server.findAll(anyRequestedFor(anyUrl()))).singleElement().satisfies(request ->
                    assertThat(request.getHeader("traceparent")).contains(planning.context().traceId()));
        });
    }
}
