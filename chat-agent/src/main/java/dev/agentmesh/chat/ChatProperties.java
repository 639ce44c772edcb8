package dev.agentmesh.chat;

import dev.agentmesh.llm.LlmEndpoint;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

@Validated
@ConfigurationProperties("chat")
record ChatProperties(@NotNull @Valid Llm llm) {

    /**
     * The language model is used when an LLM endpoint is configured ({@link LlmEndpoint#online()}: a base URL, or a
     * key for OpenAI's API; Ollama and vLLM need no key); otherwise the offline composer answers. Which key goes to
     * which endpoint is {@link LlmEndpoint}'s rule; a configuration that would send a key in clear text fails
     * binding, so the agent does not start.
     *
     * @param llmApiKey LLM_API_KEY, the endpoint's own key; never logged
     * @param openaiApiKey OPENAI_API_KEY, sent only to api.openai.com; never logged
     * @param baseUrl LLM_BASE_URL; empty means OpenAI's API
     * @param model LLM_MODEL
     */
    record Llm(String llmApiKey, String openaiApiKey, String baseUrl, @NotBlank String model,
               @NotNull Duration timeout) {

        Llm {
            LlmEndpoint.resolve(baseUrl, llmApiKey, openaiApiKey);
        }

        LlmEndpoint endpoint() {
            return LlmEndpoint.resolve(baseUrl, llmApiKey, openaiApiKey);
        }

        boolean enabled() {
            return endpoint().online();
        }

        @Override
        public String toString() {
            return "Llm[" + endpoint().describe() + ", model=" + model + ", timeout=" + timeout + "]";
        }
    }
}
