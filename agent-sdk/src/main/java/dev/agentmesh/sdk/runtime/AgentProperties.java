package dev.agentmesh.sdk.runtime;

import dev.agentmesh.events.CappedText;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * How the SDK runs an agent.
 *
 * @param concurrency listener threads; more than the request topic's partitions is useless
 * @param heartbeatInterval how often the instance announces itself in the registry
 * @param version reported in the registry; blank: the build's version
 * @param instanceId reported in the registry; empty means the HOSTNAME (the pod name in Kubernetes)
 * @param maxAnswerSize the most an answer (or a failure's reason) may take in UTF-8; a longer one is cut and marked
 *                      truncated before it is sent, so one reply can never approach Kafka's 1 MiB record limit
 *                      (AGENT_MAX_ANSWER_SIZE, 256 B to 256 KB)
 * @param maxInFlight subtasks one instance runs at once, across all its partitions (AGENT_MAX_IN_FLIGHT); a slow
 *                    subtask no longer holds up the ones behind it on its partition. When this many are taken and
 *                    unfinished the instance pauses its partitions, and resumes at half. 1 restores one at a time.
 * @param drainTimeout how long a stopping instance, or one losing partitions in a rebalance, waits for the subtasks
 *                     it is running before it abandons them uncommitted, for another instance (or itself, after a
 *                     restart) to run again (AGENT_DRAIN_TIMEOUT); keep it below Spring's
 *                     {@code spring.lifecycle.timeout-per-shutdown-phase} (30 s), which bounds the container's stop
 */
@Validated
@ConfigurationProperties("agent")
public record AgentProperties(
        @DefaultValue("2") @Min(1) int concurrency,
        @DefaultValue("5s") @NotNull Duration heartbeatInterval,
        @DefaultValue("") String version,
        @DefaultValue("") String instanceId,
        @DefaultValue("16KB") @NotNull DataSize maxAnswerSize,
        @DefaultValue("16") @Min(1) @Max(1024) int maxInFlight,
        @DefaultValue("10s") @NotNull Duration drainTimeout) {

    /** Larger caps buy nothing a voice answer needs and eat into the record limit that JSON escaping can inflate. */
    static final DataSize LARGEST_ANSWER_CAP = DataSize.ofKilobytes(256);

    public AgentProperties {
        if (maxAnswerSize != null && (maxAnswerSize.toBytes() < CappedText.MIN_CAP_BYTES
                || maxAnswerSize.compareTo(LARGEST_ANSWER_CAP) > 0)) {
            throw new IllegalArgumentException("agent.max-answer-size (AGENT_MAX_ANSWER_SIZE) must be between "
                    + CappedText.MIN_CAP_BYTES + "B and " + LARGEST_ANSWER_CAP.toKilobytes() + "KB, was "
                    + maxAnswerSize.toBytes() + "B");
        }
        if (drainTimeout != null && drainTimeout.isNegative()) {
            throw new IllegalArgumentException("agent.drain-timeout (AGENT_DRAIN_TIMEOUT) must not be negative, was "
                    + drainTimeout);
        }
    }
}
