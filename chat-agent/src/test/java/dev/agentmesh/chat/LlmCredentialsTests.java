package dev.agentmesh.chat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.agentmesh.sdk.AgentRequest;
import dev.agentmesh.testing.ObservedHttp;
import dev.agentmesh.testing.RecordedSpans;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * From the environment to the wire: the chat agent configured as an operator would (the properties its
 * application.yml binds LLM_BASE_URL, LLM_API_KEY and OPENAI_API_KEY to), against a fake endpoint that records the
 * Authorization header it receives.
 */
class LlmCredentialsTests {

    private static final String COMPLETION = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1764000000,"model":"m",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hello."},"finish_reason":"stop"}]}""";

    private final WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

    private final ApplicationContextRunner chat = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RestClientAutoConfiguration.class))
            .withUserConfiguration(ChatConfiguration.class, Support.class)
            .withPropertyValues("chat.llm.model=test-model", "chat.llm.timeout=3s");

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ChatProperties.class)
    static class Support {
        @Bean
        RetryRegistry retryRegistry() {
            return RetryRegistry.ofDefaults();
        }
    }

    @BeforeEach
    void start() {
        server.start();
        server.stubFor(post(anyUrl()).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody(COMPLETION)));
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
        chat.withPropertyValues("chat.llm.base-url=http://127.0.0.1:" + server.port() + "/v1",
                "chat.llm.llm-api-key=" + llmKey, "chat.llm.openai-api-key=" + openAiKey).run(context -> {
            Responder responder = context.getBean(Responder.class);
            assertThat(responder).isInstanceOf(LanguageModelResponder.class);

            assertThat(responder.respond(AgentRequest.of("Hi", Duration.ofSeconds(5)))).isEqualTo("Hello.");

            List<LoggedRequest> received = server.findAll(anyRequestedFor(anyUrl()));
            assertThat(received).singleElement().satisfies(request -> assertThat(
                    request.containsHeader("Authorization") ? request.getHeader("Authorization") : null)
                    .isEqualTo(expected));
        });
    }

    @Test
    void everyCallIsMeasuredAndCarriesTheTraceToTheEndpoint() {
        ObservedHttp observed = new ObservedHttp();
        RecordedSpans spans = observed.spans();
        observed.context().withUserConfiguration(ChatConfiguration.class, Support.class)
                // a timeout generous enough for a busy machine: a retried call would be a second request
                .withPropertyValues("chat.llm.model=test-model", "chat.llm.timeout=15s",
                        "chat.llm.base-url=http://127.0.0.1:" + server.port() + "/v1", "chat.llm.llm-api-key=k")
                .run(context -> {
                    Responder responder = context.getBean(Responder.class);
                    Span handling = spans.tracer().nextSpan().name("handle subtask").start();
                    try (Tracer.SpanInScope ignored = spans.tracer().withSpan(handling)) {
                        assertThat(responder.respond(AgentRequest.of("Hi", Duration.ofSeconds(20))))
                                .isEqualTo("Hello.");
                    }
                    handling.end();

                    assertThat(observed.requests("127.0.0.1", 200)).isEqualTo(1);
                    assertThat(server.findAll(anyRequestedFor(anyUrl()))).singleElement().satisfies(request ->
                            assertThat(request.getHeader("traceparent")).contains(handling.context().traceId()));
                });
    }

    @Test
    void refusesToStartWhenTheKeyWouldCrossTheNetworkInClearText() {
        chat.withPropertyValues("chat.llm.base-url=http://ollama.internal:11434/v1",
                "chat.llm.llm-api-key=llm-key-1").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageStartingWith("LLM_API_KEY would be sent in clear text to http://ollama.internal:11434")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("llm-key-1"));
        });
        assertThat(server.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void staysOfflineWithoutAnEndpointOrAKeyAndGoesOnlineWithOpenAisKey() {
        chat.withPropertyValues("chat.llm.base-url=", "chat.llm.llm-api-key=", "chat.llm.openai-api-key=")
                .run(context -> assertThat(context).getBean(Responder.class).isInstanceOf(OfflineComposer.class));
        chat.withPropertyValues("chat.llm.base-url=", "chat.llm.llm-api-key=", "chat.llm.openai-api-key=sk-openai-2")
                .run(context -> assertThat(context).getBean(Responder.class)
                        .isInstanceOf(LanguageModelResponder.class));
    }
}
