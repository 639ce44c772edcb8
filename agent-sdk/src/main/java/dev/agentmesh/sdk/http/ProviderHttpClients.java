package dev.agentmesh.sdk.http;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.web.client.RestClient;

import java.time.Duration;

/**
 * The HTTP clients agents call their providers with (Open-Meteo, news feeds, an LLM): each is a clone of the
 * {@link RestClient.Builder} Spring Boot injects, so the observation Boot puts on that builder covers every call
 * ({@code http.client.requests} metrics, a client span, a {@code traceparent} header to the provider), with the
 * provider's own timeouts on a JDK request factory. Never {@code RestClient.builder()}: a client built from it is
 * invisible to metrics and traces.
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
        return injected.clone().requestFactory(ClientHttpRequestFactoryBuilder.jdk().build(settings));
    }
}
