package dev.agentmesh.memory;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.apache.kafka.streams.state.HostInfo;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Everything the memory store can be told; defaults live in application.yml, each overridable by an environment
 * variable (README, Configuration).
 *
 * @param advertisedAddress {@code host:port} where the other instances reach this one's HTTP API for keys it owns
 *                          (Kafka Streams' {@code application.server}); MEMORY_ADVERTISED_ADDRESS
 */
@Validated
@ConfigurationProperties("memory")
public record MemoryProperties(
        @NotNull @Pattern(regexp = "[^:\\s]+:\\d{1,5}", message = "must be host:port") String advertisedAddress,
        @NotNull @Valid History history,
        @NotNull @Valid Query query,
        @NotNull @Valid Topics topics,
        @NotNull @Valid Learning learning) {

    /** The largest history record the bounds allow must stay well below Kafka's default 1 MB record limit. */
    public static final long RECORD_BUDGET_BYTES = 768 * 1024;

    /** A stored turn's JSON besides its text (role, timestamp, field names), generously. */
    public static final int TURN_OVERHEAD_BYTES = 128;

    public HostInfo advertisedHost() {
        return HostInfo.buildFromEndpoint(advertisedAddress);
    }

    /**
     * @param maxConversations conversations kept per user, the most recently updated; MEMORY_MAX_CONVERSATIONS
     * @param maxTurns turns kept per conversation, the most recent; MEMORY_MAX_TURNS
     * @param maxConversationBytes UTF-8 bytes of turn text kept per conversation; MEMORY_MAX_CONVERSATION_BYTES
     * @param retention a conversation not updated for this long is dropped; MEMORY_HISTORY_RETENTION
     * @param retentionCheckInterval how often expired conversations are looked for
     */
    public record History(
            @Min(1) @Max(500) int maxConversations,
            @Min(1) @Max(2000) int maxTurns,
            @NotNull DataSize maxConversationBytes,
            @NotNull Duration retention,
            @NotNull Duration retentionCheckInterval) {

        @AssertTrue(message = "max-conversations x (max-conversation-bytes + max-turns x 128 B) must stay below "
                + "768 KiB, so that one user's history fits one Kafka record")
        public boolean isWithinRecordBudget() {
            return maxConversationBytes != null && maxConversationBytes.toBytes() > 0
                    && (long) maxConversations * (maxConversationBytes.toBytes()
                    + (long) maxTurns * TURN_OVERHEAD_BYTES) <= RECORD_BUDGET_BYTES;
        }

        @AssertTrue(message = "retention and retention-check-interval must be positive")
        public boolean isRetentionPositive() {
            return retention != null && retentionCheckInterval != null && retention.isPositive()
                    && retentionCheckInterval.isPositive();
        }
    }

    /**
     * @param peerTimeout how long a query to the instance that owns a key may take; MEMORY_PEER_TIMEOUT
     * @param writeWait how long a write waits until the store reflects it before answering 202; MEMORY_WRITE_WAIT
     * @param retryAfter what a 503 tells the caller to wait
     */
    public record Query(@NotNull Duration peerTimeout, @NotNull Duration writeWait, @NotNull Duration retryAfter) {
    }

    /**
     * @param auditRetention {@code retention.ms} of conversation-events, which keeps raw turns (also of forgotten
     *                       users) this long; MEMORY_AUDIT_RETENTION
     * @param compactionLag {@code max.compaction.lag.ms} of user-profiles and the store changelogs: how long a
     *                      forgotten value may physically remain before compaction removes it;
     *                      MEMORY_COMPACTION_LAG
     */
    public record Topics(@NotNull Duration auditRetention, @NotNull Duration compactionLag) {
    }

    /** @param enabled whether facts stated in user turns are learned into the profile; MEMORY_LEARNING_ENABLED */
    public record Learning(boolean enabled) {
    }
}
