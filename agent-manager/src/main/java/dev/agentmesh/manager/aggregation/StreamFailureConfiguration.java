package dev.agentmesh.manager.aggregation;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.StreamsBuilderFactoryBeanConfigurer;

import java.time.Clock;
import java.time.Duration;

/**
 * What happens when a stream thread dies ({@link StreamThreadReplacer}); records too large for the broker are
 * handled by {@link DeadLetteringProductionHandler} (production.exception.handler in application.yml).
 */
@Configuration(proxyBeanMethods = false)
class StreamFailureConfiguration {

    /** Three replacements in ten minutes absorb a transient failure; a fourth means the failure comes back. */
    static final int MAX_REPLACEMENTS = 3;
    static final Duration REPLACEMENT_WINDOW = Duration.ofMinutes(10);

    @Bean
    StreamsBuilderFactoryBeanConfigurer replaceFailedStreamThreads(MeterRegistry meters) {
        StreamThreadReplacer replacer = new StreamThreadReplacer(MAX_REPLACEMENTS, REPLACEMENT_WINDOW,
                Clock.systemUTC(), meters);
        return factoryBean -> factoryBean.setStreamsUncaughtExceptionHandler(replacer);
    }
}
