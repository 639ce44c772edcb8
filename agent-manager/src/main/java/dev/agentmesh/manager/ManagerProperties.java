package dev.agentmesh.manager;

import dev.agentmesh.events.CappedText;
import dev.agentmesh.llm.LlmEndpoint;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
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
 * @param answers how much agent text one task carries
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
        @NotNull @Valid Llm llm,
        @NotNull @Valid Answers answers) {

    /**
     * @param livenessTimeout an agent whose last heartbeat is older than this is not planned with
     */
    public record Registry(@NotNull Duration livenessTimeout) {
    }

    /**
     * @param skillThreshold the probability (of the local planner's per-skill model) from which an agent is asked,
     *                       judged on the whole request and on each of its clauses
     * @param buildOnThreshold the probability from which an agent whose skill builds on other agents' answers runs
     *                         in stage 2 after them
     * @param mentionThreshold in a request that builds on answers, the probability from which an agent is asked:
     *                         such a request names the other agents' subjects in passing ("the flooding in the
     *                         news"), so they score lower than when asked for; at most {@code skillThreshold}
     * @param modelShare the percentage of a task's remaining time the planning model may use (and never more than
     *                   {@code llm.timeout}) before the local planner decides instead
     * @param cardEmbeddings a file where the local planner keeps the embeddings of the agents' card texts between
     *                       starts, so a restart learns known cards without running the model over them again;
     *                       empty: none (the local run sets one under deploy/local/run/)
     * @param skillModels a file where the local planner keeps the skill models it trained on sets of cards
     *                    between starts, so a restart that meets a known set of cards does not train again; empty:
     *                    none (the local run sets one under deploy/local/run/)
     */
    public record Planning(@DecimalMin("0") @DecimalMax("1") double skillThreshold,
                           @DecimalMin("0") @DecimalMax("1") double buildOnThreshold,
                           @DecimalMin("0") @DecimalMax("1") double mentionThreshold,
                           @Min(1) @Max(90) int modelShare,
                           String cardEmbeddings,
                           String skillModels) {

        public Planning {
            cardEmbeddings = cardEmbeddings == null ? "" : cardEmbeddings.strip();
            skillModels = skillModels == null ? "" : skillModels.strip();
            if (mentionThreshold > skillThreshold) {
                throw new IllegalArgumentException("manager.planning.mention-threshold (" + mentionThreshold
                        + ") must not be above manager.planning.skill-threshold (" + skillThreshold + ")");
            }
        }
    }

    /**
     * Caps on agent text, counted in UTF-8 bytes; a cut text ends with "… [truncated: N of M bytes]" and its outcome
     * is marked truncated. The defaults keep every record the manager writes far below Kafka's 1 MiB limit even if
     * JSON escaping inflated the text sixfold: a result's answers take at most 64 KB (384 KB escaped), a task's
     * stored state 16 KB per planned agent.
     *
     * @param maxSize one agent's answer or reason, cut when it arrives (MANAGER_MAX_ANSWER_SIZE)
     * @param maxTotalSize all answers handed to a later stage, and all texts in one result
     *                     (MANAGER_MAX_TASK_ANSWERS_SIZE); at least {@code maxSize}, at most 256 KB
     */
    public record Answers(@NotNull DataSize maxSize, @NotNull DataSize maxTotalSize) {

        static final DataSize LARGEST_TOTAL = DataSize.ofKilobytes(256);

        public Answers {
            if (maxSize != null && maxTotalSize != null && (maxSize.toBytes() < CappedText.MIN_CAP_BYTES
                    || maxTotalSize.compareTo(maxSize) < 0 || maxTotalSize.compareTo(LARGEST_TOTAL) > 0)) {
                throw new IllegalArgumentException("manager.answers needs " + CappedText.MIN_CAP_BYTES
                        + "B <= max-size (MANAGER_MAX_ANSWER_SIZE) <= max-total-size (MANAGER_MAX_TASK_ANSWERS_SIZE) <= "
                        + LARGEST_TOTAL.toKilobytes() + "KB, were " + maxSize.toBytes() + "B and "
                        + maxTotalSize.toBytes() + "B");
            }
        }
    }

    /**
     * The LLM planner is used when an LLM endpoint is configured ({@link LlmEndpoint#online()}); otherwise the local
     * planner. Which key goes to which endpoint is {@link LlmEndpoint}'s rule; a configuration that would send a key
     * in clear text fails binding, so the manager does not start.
     *
     * @param llmApiKey LLM_API_KEY, the endpoint's own key; never logged
     * @param openaiApiKey OPENAI_API_KEY, sent only to api.openai.com; never logged
     * @param baseUrl LLM_BASE_URL, any OpenAI-compatible server (Ollama, vLLM); empty means OpenAI's API
     * @param model LLM_MODEL
     */
    public record Llm(String llmApiKey, String openaiApiKey, String baseUrl, @NotNull String model,
                      @NotNull Duration timeout) {

        public Llm {
            LlmEndpoint.resolve(baseUrl, llmApiKey, openaiApiKey);
        }

        public LlmEndpoint endpoint() {
            return LlmEndpoint.resolve(baseUrl, llmApiKey, openaiApiKey);
        }

        public boolean enabled() {
            return endpoint().online();
        }

        @Override
        public String toString() {
            return "Llm[" + endpoint().describe() + ", model=" + model + ", timeout=" + timeout + "]";
        }
    }
}
