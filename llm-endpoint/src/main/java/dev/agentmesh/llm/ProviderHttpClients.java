package dev.agentmesh.llm;

import io.micrometer.common.KeyValue;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.http.client.observation.ClientRequestObservationContext;
import org.springframework.http.client.observation.DefaultClientRequestObservationConvention;
import org.springframework.web.client.RestClient;

import java.time.Duration;

/**
 * The HTTP clients agents call their providers with (Open-Meteo, news feeds, an LLM): each is a clone of the
 * {@link RestClient.Builder} Spring Boot injects, so the observation Boot puts on that builder covers every call
 * ({@code http.client.requests} metrics, a client span, a {@code traceparent} header to the provider), with the
 * provider's own timeouts on a JDK request factory. Never {@code RestClient.builder()}: a client built from it is
 * invisible to metrics and traces. The {@code uri} tag is the request's path without its query: Open-Meteo's
 * coordinates in it would make a time series per place.
 */
public final class ProviderHttpClients {

    private ProviderHttpClients() {
    }

    /**
     * A builder for one provider: {@code injected} is not changed.
     *
     * @param injected the builder Spring injected (prototype scoped: every injection point gets its own)
     * @param connectTimeout how long to wait for a connection
     * @param readTimeout how long to wait for the response
     * @param redirects whether redirects are followed
     */
    public static RestClient.Builder builder(RestClient.Builder injected, Duration connectTimeout,
                                             Duration readTimeout, HttpRedirects redirects) {
        HttpClientSettings settings = HttpClientSettings.defaults().withTimeouts(connectTimeout, readTimeout)
                .withRedirects(redirects);
        return observed(injected).requestFactory(ClientHttpRequestFactoryBuilder.jdk().build(settings));
    }

    /** A clone of the injected builder whose {@code uri} tag leaves the query out; set a request factory on it. */
    public static RestClient.Builder observed(RestClient.Builder injected) {
        return injected.clone().observationConvention(new PathOnly());
    }

    /** Spring's convention, with the query cut off the {@code uri} tag. */
    private static final class PathOnly extends DefaultClientRequestObservationConvention {

        @Override
        protected KeyValue uri(ClientRequestObservationContext context) {
            KeyValue uri = super.uri(context);
            int query = uri.getValue().indexOf('?');
            return query < 0 ? uri : KeyValue.of(uri.getKey(), uri.getValue().substring(0, query));
        }
    }
}
