package dev.agentmesh.news;

import dev.agentmesh.sdk.AgentException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.agentmesh.llm.ProviderHttpClients;
import dev.agentmesh.kafka.logging.TaskMdc;
import io.micrometer.tracing.Tracer;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.web.client.RestClient;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Fetches every configured feed in parallel, each with timeouts, retries on I/O errors and 5xx, and a circuit
 * breaker per feed host. A fetched feed is reused for the cache TTL. One feed failing leaves the others'
 * items; all failing is an {@link AgentException}.
 */
final class HttpFeedSource implements FeedSource {

    private static final Logger log = LoggerFactory.getLogger(HttpFeedSource.class);

    private record Cached(List<NewsItem> items, Instant fetchedAt) {
    }

    private final NewsProperties properties;
    private final RestClient http;
    private final FeedParser parser = new FeedParser();
    private final Retry retry;
    private final CircuitBreakerRegistry circuitBreakers;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Tracer tracer;

    /**
     * @param http the {@link RestClient.Builder} Spring injected, so fetches are observed ({@code
     *             http.client.requests} metrics, client spans that carry the trace on); this source's timeouts go on
     *             a clone of it
     * @param tracer carries the subtask's trace to the threads that fetch, so each fetch is a child of it
     */
    HttpFeedSource(NewsProperties properties, Retry retry, CircuitBreakerRegistry circuitBreakers, Clock clock,
                   RestClient.Builder http, Tracer tracer) {
        this.http = ProviderHttpClients.builder(http, properties.connectTimeout(), properties.readTimeout(),
                HttpRedirects.FOLLOW).defaultHeader("User-Agent", "agent-mesh-news/0.1").build();
        this.properties = properties;
        this.retry = retry;
        this.circuitBreakers = circuitBreakers;
        this.clock = clock;
        this.tracer = tracer;
    }

    @Override
    public List<NewsItem> items() throws AgentException {
        List<NewsItem> items = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        try (ExecutorService fetchers = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<String, Future<List<NewsItem>>> pending = new java.util.LinkedHashMap<>();
            for (String feed : properties.feeds()) {
                pending.put(feed, fetchers.submit(
                        TaskMdc.carried(tracer.currentTraceContext().wrap(() -> fetch(feed)))));
            }
            for (Map.Entry<String, Future<List<NewsItem>>> entry : pending.entrySet()) {
                try {
                    items.addAll(entry.getValue().get());
                } catch (ExecutionException e) {
                    failed.add(entry.getKey());
                    log.warn("Feed {} failed: {}", entry.getKey(), e.getCause().getMessage());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException("interrupted while reading the news feeds", e);
        }
        if (items.isEmpty() && !failed.isEmpty()) {
            throw new AgentException("none of the news feeds could be reached right now");
        }
        return items;
    }

    @Override
    public boolean offline() {
        return false;
    }

    private List<NewsItem> fetch(String feed) {
        Cached cached = cache.get(feed);
        Instant now = clock.instant();
        if (cached != null && cached.fetchedAt().plus(properties.cacheTtl()).isAfter(now)) {
            return cached.items();
        }
        URI uri = URI.create(feed);
        CircuitBreaker breaker = circuitBreakers.circuitBreaker("feed-" + uri.getHost());
        byte[] body = Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(breaker,
                () -> http.get().uri(uri).retrieve().body(byte[].class))).get();
        List<NewsItem> items = parser.parse(body == null ? new byte[0] : body, uri.getHost());
        cache.put(feed, new Cached(items, now));
        return items;
    }
}
