package dev.agentmesh.memory.store;

import dev.agentmesh.memory.MemoryProperties;
import dev.agentmesh.memory.history.HistoryLimits;

import java.time.Duration;

/** What the processor needs from {@link MemoryProperties}. */
record MemorySettings(HistoryLimits limits, Duration retention, Duration retentionCheckInterval, boolean learning) {

    static MemorySettings from(MemoryProperties properties) {
        MemoryProperties.History history = properties.history();
        return new MemorySettings(new HistoryLimits(history.maxConversations(), history.maxTurns(),
                Math.toIntExact(history.maxConversationBytes().toBytes())), history.retention(),
                history.retentionCheckInterval(), properties.learning().enabled());
    }
}
