package dev.agentmesh.manager;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.StringUtils;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Everything the manager can be told; defaults live in application.yml, each overridable by an environment
 * variable.
 *
 * @param partitions partitions of agent-tasks and agent-replies (they are co-partitioned by task id)
 * @param maxDeadline a task asking for a later deadline gets this one instead
 * @param stageOneShare the share of a two-stage task's time that stage 1 may use before stage 2 starts with
 *                      whatever stage 1 has answered
 */
@Validated
@ConfigurationProperties("manager")
public record ManagerProperties(
        @Min(1) int partitions,
        @NotNull Duration maxDeadline,
        @Min(1) @jakarta.validation.constraints.Max(99) int stageOneShare,
        @NotNull @Valid Registry registry,
        @NotNull @Valid Llm llm) {

    /**
     * @param livenessTimeout an agent whose last heartbeat is older than this is not planned with
     */
    public record Registry(@NotNull Duration livenessTimeout) {
    }

    /**
     * The LLM planner is used when an API key or a base URL is set; otherwise the local planner.
     *
     * @param apiKey OPENAI_API_KEY; never logged
     * @param baseUrl LLM_BASE_URL, any OpenAI-compatible server (Ollama, vLLM); empty means OpenAI's API
     * @param model LLM_MODEL
     */
    public record Llm(String apiKey, String baseUrl, @NotNull String model, @NotNull Duration timeout) {

        public static final String OPENAI_BASE_URL = "https://api.openai.com/v1";

        public boolean enabled() {
            return StringUtils.hasText(apiKey) || StringUtils.hasText(baseUrl);
        }

        public String effectiveBaseUrl() {
            return StringUtils.hasText(baseUrl) ? baseUrl : OPENAI_BASE_URL;
        }

        @Override
        public String toString() {
            return "Llm[baseUrl=" + effectiveBaseUrl() + ", model=" + model + ", apiKey="
                    + (StringUtils.hasText(apiKey) ? "(set)" : "(unset)") + "]";
        }
    }
}
