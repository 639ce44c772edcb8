package dev.agentmesh.manager;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
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
 * @param maxDeadline a task asking for a later deadline gets this one instead
 * @param stageOneShare the percentage of a multi-stage task's remaining time that a stage may use before the
 *                      next stage starts with whatever has been answered
 * @param deadlineCheckInterval how often open tasks are checked against their deadlines
 * @param closedRetention how long a finished or cancelled task is remembered to ignore replays and late replies
 */
@Validated
@ConfigurationProperties("manager")
public record ManagerProperties(
        @NotNull Duration maxDeadline,
        @Min(1) @Max(99) int stageOneShare,
        @NotNull Duration deadlineCheckInterval,
        @NotNull Duration closedRetention,
        @NotNull @Valid Registry registry,
        @NotNull @Valid Planning planning,
        @NotNull @Valid Llm llm) {

    /**
     * @param livenessTimeout an agent whose last heartbeat is older than this is not planned with
     */
    public record Registry(@NotNull Duration livenessTimeout) {
    }

    /**
     * @param similarityThreshold the sentence-embedding similarity from which the local planner asks an agent it
     *                            has no vocabulary for
     */
    public record Planning(@jakarta.validation.constraints.DecimalMin("0") @jakarta.validation.constraints.DecimalMax("1")
                           double similarityThreshold) {
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
