package dev.agentmesh.testing;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * What a service's provider calls look like to an operator, for tests: a context with Spring Boot's own
 * {@code RestClient.Builder} auto-configuration and its observation, an {@link ObservationRegistry} that records
 * metrics into {@link #meters()} and client spans into {@link #spans()} (propagating {@code traceparent}). A
 * provider built from the context's injected builder shows up in {@code http.client.requests}; one built from
 * {@code RestClient.builder()} does not.
 */
public final class ObservedHttp {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final RecordedSpans spans = new RecordedSpans();
    private final ObservationRegistry observations = ObservationRegistry.create();

    public ObservedHttp() {
        observations.observationConfig()
                .observationHandler(new DefaultMeterObservationHandler(meters))
                .observationHandler(new PropagatingSenderTracingObservationHandler<>(spans.tracer(),
                        spans.propagator()));
    }

    /** A context with Boot's RestClient auto-configuration observed by this registry; add the service's beans. */
    public ApplicationContextRunner context() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(RestClientAutoConfiguration.class,
                        RestClientObservationAutoConfiguration.class))
                .withBean(ObservationRegistry.class, () -> observations);
    }

    public SimpleMeterRegistry meters() {
        return meters;
    }

    public RecordedSpans spans() {
        return spans;
    }

    /** How many calls {@code http.client.requests} recorded to this host ({@code client.name}) with this status. */
    public long requests(String host, int status) {
        Timer timer = meters.find("http.client.requests").tag("client.name", host)
                .tag("status", String.valueOf(status)).timer();
        return timer == null ? 0 : timer.count();
    }
}
