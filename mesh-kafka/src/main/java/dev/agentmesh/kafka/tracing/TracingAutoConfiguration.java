package dev.agentmesh.kafka.tracing;

import io.micrometer.tracing.exporter.SpanExportingPredicate;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * What every service's traces share. Export itself is Spring Boot's: OTLP when
 * {@code MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT} is set, nothing otherwise.
 */
@AutoConfiguration
@ConditionalOnClass(SpanExportingPredicate.class)
public class TracingAutoConfiguration {

    @Bean
    HousekeepingSpans housekeepingSpans() {
        return new HousekeepingSpans();
    }
}
