package dev.agentmesh.llm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which key goes where: the rule the manager's planner and the chat agent share. */
class LlmEndpointTests {

    private static final String LLM_KEY = "llm-secret-1";
    private static final String OPENAI_KEY = "sk-openai-secret-2";

    @Test
    void isOfflineWhenNothingIsConfigured() {
        LlmEndpoint endpoint = LlmEndpoint.resolve("", " ", null);

        assertThat(endpoint.online()).isFalse();
        assertThat(endpoint.apiKey()).isEmpty();
        assertThat(endpoint.describe()).startsWith("offline");
    }

    @ParameterizedTest(name = "LLM_BASE_URL=''{0}'' LLM_API_KEY=''{1}'' OPENAI_API_KEY=''{2}'' -> {3}")
    @CsvSource(delimiter = '|', nullValues = "none", value = {
            // OpenAI's API, named or by default: its key, unless the endpoint has its own
            "                                  | none         | sk-openai-secret-2 | sk-openai-secret-2",
            "https://api.openai.com/v1         | none         | sk-openai-secret-2 | sk-openai-secret-2",
            "https://API.OpenAI.com/v1/        | none         | sk-openai-secret-2 | sk-openai-secret-2",
            "                                  | llm-secret-1 | sk-openai-secret-2 | llm-secret-1",
            "                                  | llm-secret-1 | none               | llm-secret-1",
            // any other endpoint never gets OpenAI's key
            "https://llm.example.com/v1        | none         | sk-openai-secret-2 | none",
            "https://llm.example.com/v1        | llm-secret-1 | sk-openai-secret-2 | llm-secret-1",
            "https://api.openai.com.evil.example/v1 | none    | sk-openai-secret-2 | none",
            "https://evil.example/api.openai.com    | none    | sk-openai-secret-2 | none",
            "https://api.openai.com@evil.example/v1 | none    | sk-openai-secret-2 | none",
            "https://openai.com/v1                  | none    | sk-openai-secret-2 | none",
            // plain http is fine to a loopback address, with or without a key
            "http://localhost:11434/v1         | llm-secret-1 | none               | llm-secret-1",
            "http://127.0.0.1:11434/v1         | llm-secret-1 | sk-openai-secret-2 | llm-secret-1",
            "http://127.10.0.1:8000/v1         | llm-secret-1 | none               | llm-secret-1",
            "http://[::1]:11434/v1             | llm-secret-1 | none               | llm-secret-1",
            "http://localhost:11434/v1         | none         | sk-openai-secret-2 | none",
            // and to any host without a key (Ollama on another machine): OpenAI's key stays home
            "http://ollama.internal:11434/v1   | none         | sk-openai-secret-2 | none",
            "http://10.1.2.3:11434/v1          | none         | none               | none",
    })
    void sendsOnlyTheKeyMeantForTheEndpoint(String baseUrl, String llmKey, String openAiKey, String expected) {
        LlmEndpoint endpoint = LlmEndpoint.resolve(baseUrl, llmKey, openAiKey);

        assertThat(endpoint.online()).isTrue();
        assertThat(endpoint.apiKey().orElse(null)).isEqualTo(expected);
        assertThat(endpoint.toString()).doesNotContain(LLM_KEY).doesNotContain(OPENAI_KEY);
    }

    @Test
    void defaultsToOpenAisApiWithoutATrailingSlash() {
        assertThat(LlmEndpoint.resolve(null, null, OPENAI_KEY).baseUrl()).isEqualTo("https://api.openai.com/v1");
        assertThat(LlmEndpoint.resolve("http://localhost:11434/v1/", null, null).baseUrl())
                .isEqualTo("http://localhost:11434/v1");
    }

    @Test
    void saysWhichKeyGoesWhereWithoutTheKey() {
        assertThat(LlmEndpoint.resolve("", null, OPENAI_KEY).describe())
                .isEqualTo("https://api.openai.com with OPENAI_API_KEY");
        assertThat(LlmEndpoint.resolve("http://ollama.internal:11434/v1", null, OPENAI_KEY).describe())
                .isEqualTo("http://ollama.internal:11434 without a key (OPENAI_API_KEY is set but only ever sent to "
                        + "api.openai.com; set LLM_API_KEY if this endpoint needs a key)");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://ollama.internal:11434/v1", "http://10.1.2.3:11434/v1",
            "http://localhost.evil.example/v1", "http://127.0.0.1.nip.io/v1"})
    void refusesToSendTheEndpointsKeyInClearTextToAnotherHost(String baseUrl) {
        assertThatThrownBy(() -> LlmEndpoint.resolve(baseUrl, LLM_KEY, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("LLM_API_KEY would be sent in clear text to http://")
                .hasMessageContaining("must use https")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(LLM_KEY));
    }

    @Test
    void refusesToSendOpenAisKeyToOpenAiOverPlainHttp() {
        assertThatThrownBy(() -> LlmEndpoint.resolve("http://api.openai.com/v1", null, OPENAI_KEY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("OPENAI_API_KEY would be sent in clear text to http://api.openai.com")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(OPENAI_KEY));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"localhost:11434/v1", "ftp://llm.example.com/v1", "http:///v1", "http://exa mple/v1",
            "http://127.1/v1"})
    void refusesAUrlThatIsNotHttpWithAHostWithoutEchoingIt(String baseUrl) {
        assertThatThrownBy(() -> LlmEndpoint.resolve(baseUrl, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("LLM_BASE_URL ");
    }
}
