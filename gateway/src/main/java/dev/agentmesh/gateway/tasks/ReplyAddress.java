package dev.agentmesh.gateway.tasks;

import dev.agentmesh.gateway.GatewayProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where this instance's replies come back: its instance id (a task's {@code replyTo}) and the one partition of
 * agent-results it reads (a task's {@code replyPartition}). The partition is {@code GATEWAY_REPLY_PARTITION}
 * when set; else the ordinal a StatefulSet gives its pod ({@code HOSTNAME} {@code gateway-3}: 3); else 0.
 * <p>
 * Two instances with the same partition both read it and each keeps only replies that name it, so a
 * duplicate costs reading, not results; it shows as {@code gateway_replies_foreign_total}.
 */
@Component
public final class ReplyAddress {

    /** A StatefulSet pod's name: {@code <set>-<ordinal>}, the ordinal without leading zeros. */
    private static final Pattern ORDINAL = Pattern.compile("[a-z0-9][-a-z0-9.]*-(0|[1-9][0-9]{0,3})");

    private final String instanceId;
    private final int partition;

    @Autowired
    ReplyAddress(GatewayProperties properties) {
        this(properties.instanceId(), partitionFor(properties.replyPartition(), System.getenv("HOSTNAME")));
    }

    public ReplyAddress(String instanceId, int partition) {
        if (instanceId == null || instanceId.isBlank()) {
            throw new IllegalArgumentException("the gateway's instance id is required");
        }
        if (partition < 0) {
            throw new IllegalArgumentException("GATEWAY_REPLY_PARTITION must be 0 or higher, was " + partition);
        }
        this.instanceId = instanceId;
        this.partition = partition;
    }

    /** The configured partition, else the StatefulSet ordinal at the end of the host name, else 0. */
    static int partitionFor(Integer configured, String hostname) {
        if (configured != null) {
            return configured;
        }
        Matcher ordinal = hostname == null ? null : ORDINAL.matcher(hostname);
        return ordinal != null && ordinal.matches() ? Integer.parseInt(ordinal.group(1)) : 0;
    }

    public String instanceId() {
        return instanceId;
    }

    public int partition() {
        return partition;
    }

    @Override
    public String toString() {
        return instanceId + " on partition " + partition;
    }
}
