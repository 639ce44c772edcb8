package dev.agentmesh.chat;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.StringUtils;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

@Validated
@ConfigurationProperties("chat")
record ChatProperties(@NotNull @Valid Llm llm) {

    /**
     * The language model is used when an API key or a base URL is set (Ollama and vLLM need no key); otherwise
     * the offline composer answers.
     *
     * @param apiKey OPENAI_API_KEY; never logged
     * @param baseUrl LLM_BASE_URL; empty means OpenAI's API
     * @param model LLM_MODEL
     */
    record Llm(String apiKey, String baseUrl, @NotBlank String model, @NotNull Duration timeout) {

        static final String OPENAI_BASE_URL = "https://api.openai.com/v1";

        boolean enabled() {
            return StringUtils.hasText(apiKey) || StringUtils.hasText(baseUrl);
        }

        String effectiveBaseUrl() {
            return StringUtils.hasText(baseUrl) ? baseUrl : OPENAI_BASE_URL;
        }

        @Override
        public String toString() {
            return "Llm[baseUrl=" + effectiveBaseUrl() + ", model=" + model + ", apiKey="
                    + (StringUtils.hasText(apiKey) ? "(set)" : "(unset)") + ", timeout=" + timeout + "]";
        }
    }
}
