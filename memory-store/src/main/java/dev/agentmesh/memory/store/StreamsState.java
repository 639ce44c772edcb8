package dev.agentmesh.memory.store;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.stereotype.Component;

import java.util.concurrent.atomic.AtomicBoolean;

/** Follows the memory stream's state, remembering whether it has ever run (restoration done once). */
@Component
public class StreamsState implements KafkaStreams.StateListener {

    private volatile KafkaStreams.State state = KafkaStreams.State.CREATED;
    private final AtomicBoolean hasRun = new AtomicBoolean();

    @Override
    public void onChange(KafkaStreams.State newState, KafkaStreams.State oldState) {
        state = newState;
        if (newState == KafkaStreams.State.RUNNING) {
            hasRun.set(true);
        }
    }

    public KafkaStreams.State state() {
        return state;
    }

    public boolean hasRun() {
        return hasRun.get();
    }

    /** A stream in these states has stopped or failed and will not answer again without a restart. */
    public boolean stopped() {
        return switch (state) {
            case ERROR, PENDING_ERROR, NOT_RUNNING, PENDING_SHUTDOWN -> true;
            case CREATED, REBALANCING, RUNNING -> false;
        };
    }
}
