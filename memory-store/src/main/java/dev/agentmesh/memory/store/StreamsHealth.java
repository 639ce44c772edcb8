package dev.agentmesh.memory.store;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The memory stream's state in the liveness and readiness groups (application.yml). Live unless the stream has
 * stopped or failed: restoring a large store is not a reason to be restarted. Ready once it has run (its stores
 * restored) and while it runs or rebalances; during a rebalance the API itself answers 503 with Retry-After.
 */
@Configuration(proxyBeanMethods = false)
class StreamsHealth {

    @Bean
    HealthIndicator memoryStreamsLivenessHealthIndicator(StreamsState streams) {
        return () -> (streams.stopped() ? Health.down() : Health.up())
                .withDetail("state", streams.state().name()).build();
    }

    @Bean
    HealthIndicator memoryStreamsReadinessHealthIndicator(StreamsState streams) {
        return () -> {
            KafkaStreams.State now = streams.state();
            boolean ready = streams.hasRun() && (now == KafkaStreams.State.RUNNING
                    || now == KafkaStreams.State.REBALANCING);
            return (ready ? Health.up() : Health.down()).withDetail("state", now.name()).build();
        };
    }
}
