package dev.agentmesh.manager.aggregation;

import dev.agentmesh.manager.ManagerProperties;

import java.time.Duration;

/**
 * The aggregation's timing, taken from {@link ManagerProperties}.
 *
 * @param closedRetention how long a finished or cancelled task is remembered, so that a replayed request or a
 *                        late reply cannot produce a second result
 */
record AggregationSettings(Duration maxDeadline, int stageOneShare, Duration deadlineCheckInterval,
                           Duration closedRetention) {

    static AggregationSettings from(ManagerProperties properties) {
        return new AggregationSettings(properties.maxDeadline(), properties.stageOneShare(),
                properties.deadlineCheckInterval(), properties.closedRetention());
    }
}
