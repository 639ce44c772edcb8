package dev.agentmesh.chat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.agentmesh.events.ContextEntry;
import dev.agentmesh.events.PriorAnswer;
import dev.agentmesh.sdk.AgentException;
import dev.agentmesh.sdk.AgentRequest;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.RestClient;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real chat completions client against a fake server answering in OpenAI's chat.completion format. */
class LanguageModelResponderTests {

    private static final String COMPLETION = """
            {"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion","created":1764000000,
             "model":"gpt-4.1-mini-2025-04-14",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Yes: the storm in Rome is in the news.",
               "refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":120,"completion_tokens":12,"total_tokens":132},
             "service_tier":"default","system_fingerprint":null}""";

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
    void sendsTheConversationAndTheOtherAgentsAnswers() throws Exception {
        answer(aResponse().withHeader("Content-Type", "application/json").withBody(COMPLETION));

        String answer = responder("sk-secret-123").respond(request(Duration.ofSeconds(5)));

        assertThat(answer).isEqualTo("Yes: the storm in Rome is in the news.");
        server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer sk-secret-123"))
                .withRequestBody(matchingJsonPath("$.model", equalTo("test-model")))
                .withRequestBody(matchingJsonPath("$.messages[1].content", equalTo("I'm in Rome")))
                .withRequestBody(containing("weather said: Rome: thunderstorm"))
                .withRequestBody(matchingJsonPath("$.messages[-1:].content",
                        containing("Are the news and weather related?"))));
    }

    @Test
    void tellsTheModelWhatTheProfileSaysAboutTheUser() throws Exception {
        answer(aResponse().withHeader("Content-Type", "application/json").withBody(COMPLETION));

        responder("sk-secret-123").respond(request(Duration.ofSeconds(5)).forUser(
                new dev.agentmesh.events.UserContext("Ana", "Lyon", "metric", java.util.List.of("Formula 1"), "fr")));

        server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.messages[1].content", containing("their name is Ana")))
                .withRequestBody(containing("they live in Lyon"))
                .withRequestBody(containing("they follow Formula 1")));
    }

    @Test
    void sendsNoAuthorizationHeaderToAServerWithoutAKey() throws Exception {
        answer(aResponse().withHeader("Content-Type", "application/json").withBody(COMPLETION));

        responder("").respond(request(Duration.ofSeconds(5)));

        server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withHeader("Authorization", absent()));
    }

    @Test
    void rejectedCredentialsNeverEchoTheKey() {
        answer(aResponse().withStatus(401).withBody("{\"error\":{\"message\":\"Incorrect API key provided: "
                + "sk-secret-123\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"));

        assertThatThrownBy(() -> responder("sk-secret-123").respond(request(Duration.ofSeconds(5))))
                .isInstanceOf(AgentException.class)
                .hasMessage("the language model rejected the credentials")
                .satisfies(e -> assertThat(e.toString()).doesNotContain("sk-secret"));
    }

    @Test
    void retriesAServerErrorThenAnswers() throws Exception {
        server.stubFor(post("/v1/chat/completions").inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("ok"));
        server.stubFor(post("/v1/chat/completions").inScenario("flaky").whenScenarioStateIs("ok")
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(COMPLETION)));

        assertThat(responder("k").respond(request(Duration.ofSeconds(5)))).startsWith("Yes");
        server.verify(2, postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }

    @Test
    void givesUpAtTheSubtasksDeadline() {
        answer(aResponse().withFixedDelay(2_000).withBody(COMPLETION));

        assertThatThrownBy(() -> responder("k").respond(request(Duration.ofMillis(400))))
                .isInstanceOf(AgentException.class).hasMessage("the language model did not answer in time");
    }

    @Test
    void failsClearlyOnAMalformedBody() {
        answer(aResponse().withHeader("Content-Type", "application/json").withBody("{\"choices\": [ {"));

        assertThatThrownBy(() -> responder("k").respond(request(Duration.ofSeconds(5))))
                .isInstanceOf(AgentException.class).hasMessage("the language model's answer could not be read");
    }

    @Test
    void masksTheKeyInItsSettings() {
        assertThat(new ChatProperties.Llm("sk-secret-123", "sk-other-456", "", "m", Duration.ofSeconds(1)).toString())
                .doesNotContain("sk-secret").doesNotContain("sk-other").contains("with LLM_API_KEY");
    }

    private LanguageModelResponder responder(String key) {
        return new LanguageModelResponder(new ChatProperties.Llm(key, "", server.baseUrl() + "/v1", "test-model",
                Duration.ofSeconds(3)), Retry.of("llm", RetryConfig.custom().maxAttempts(3)
                .waitDuration(Duration.ofMillis(10)).retryExceptions(LanguageModelResponder.Unavailable.class).build()),
                RestClient.builder());
    }

    private static AgentRequest request(Duration within) {
        return new AgentRequest("t", "c", "Are the news and weather related?",
                List.of(new ContextEntry("user", "I'm in Rome")),
                List.of(new PriorAnswer("weather", "Rome: thunderstorm, 14 °C"),
                        new PriorAnswer("news", "1. Storm Elena hits Rome — Wire")), 2, Instant.now().plus(within));
    }

    private void answer(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder response) {
        server.stubFor(post("/v1/chat/completions").willReturn(response));
    }
}
