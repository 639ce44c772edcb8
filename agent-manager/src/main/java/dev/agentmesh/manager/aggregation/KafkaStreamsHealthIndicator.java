package dev.agentmesh.manager.aggregation;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.stereotype.Component;

import java.util.Set;

/**
 * Up while the aggregation stream runs or rebalances with at least one live stream thread; down before it starts,
 * and once it is shutting down, stopped or failed (PENDING_SHUTDOWN, NOT_RUNNING, PENDING_ERROR, ERROR). It is in
 * the liveness and the readiness group (application.yml), so a manager whose stream died is restarted rather than
 * left looking healthy.
 */
@Component("aggregationHealthIndicator")
class KafkaStreamsHealthIndicator implements HealthIndicator {

    private final StreamsBuilderFactoryBean streams;

    KafkaStreamsHealthIndicator(StreamsBuilderFactoryBean streams) {
        this.streams = streams;
    }

    @Override
    public Health health() {
        KafkaStreams kafkaStreams = streams.getKafkaStreams();
        if (kafkaStreams == null) {
            return Health.down().withDetail("state", "NOT_STARTED").build();
        }
        KafkaStreams.State state = kafkaStreams.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            return Health.down().withDetail("state", state.name()).build();
        }
        Set<ThreadMetadata> threads = kafkaStreams.metadataForLocalThreads();
        long alive = threads.stream().filter(thread -> !thread.threadState().equals("DEAD")
                && !thread.threadState().equals("PENDING_SHUTDOWN")).count();
        return (alive > 0 ? Health.up() : Health.down()).withDetail("state", state.name())
                .withDetail("streamThreads", alive).build();
    }
}
