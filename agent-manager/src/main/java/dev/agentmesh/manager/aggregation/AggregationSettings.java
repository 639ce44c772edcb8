package dev.agentmesh.manager.aggregation;

import dev.agentmesh.manager.ManagerProperties;

import java.time.Duration;

/**
 * The aggregation's timing and answer caps, taken from {@link ManagerProperties}.
 *
 * @param closedRetention how long a finished or cancelled task is remembered, so that a replayed request or a
 *                        late reply cannot produce a second result
 */
record AggregationSettings(Duration maxDeadline, int stageOneShare, Duration deadlineCheckInterval,
                           Duration closedRetention, AnswerCaps answerCaps) {

    AggregationSettings(Duration maxDeadline, int stageOneShare, Duration deadlineCheckInterval,
                        Duration closedRetention) {
        this(maxDeadline, stageOneShare, deadlineCheckInterval, closedRetention, AnswerCaps.DEFAULT);
    }

    static AggregationSettings from(ManagerProperties properties) {
        return new AggregationSettings(properties.maxDeadline(), properties.stageOneShare(),
                properties.deadlineCheckInterval(), properties.closedRetention(),
                AnswerCaps.from(properties.answers()));
    }
}
