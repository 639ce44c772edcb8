package dev.agentmesh.news;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.agentmesh.sdk.AgentException;
import dev.agentmesh.testing.ObservedHttp;
import dev.agentmesh.testing.RecordedSpans;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real feed client against a fake server serving RSS 2.0 and Atom XML. */
class HttpFeedSourceTests {

    private static final String RSS = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel>
              <title>BBC News - World</title><link>https://www.bbc.co.uk/news/world</link>
              <description>BBC News - World</description>
              <item><title><![CDATA[France braces for strikes]]></title>
                <description><![CDATA[<p>Unions in <b>France</b> call a national day of action.</p>]]></description>
                <link>https://www.bbc.co.uk/news/articles/c1</link>
                <pubDate>Tue, 24 Nov 2026 09:00:00 GMT</pubDate></item>
            </channel></rss>""";
    private static final String ATOM = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom"><title>Tech Wire</title><id>urn:x</id>
              <updated>2026-11-24T10:00:00Z</updated>
              <entry><title>New AI chip announced</title><link href="https://tech.example/chip"/><id>urn:y</id>
                <updated>2026-11-24T10:00:00Z</updated><summary>Technology news.</summary></entry>
            </feed>""";

    private final WireMockServer server = new WireMockServer(options().dynamicPort());
    private final MutableClock clock = new MutableClock();

    @BeforeEach
    void start() {
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void readsRssAndAtomFeeds() throws Exception {
        xml("/rss", RSS);
        xml("/atom", ATOM);

        List<NewsItem> items = source("/rss", "/atom").items();

        assertThat(items).extracting(NewsItem::title, NewsItem::source, NewsItem::link).containsExactly(
                org.assertj.core.groups.Tuple.tuple("France braces for strikes", "BBC News - World",
                        "https://www.bbc.co.uk/news/articles/c1"),
                org.assertj.core.groups.Tuple.tuple("New AI chip announced", "Tech Wire", "https://tech.example/chip"));
        assertThat(items.getFirst().summary()).isEqualTo("Unions in France call a national day of action.");
        assertThat(items.getFirst().published()).isEqualTo(Instant.parse("2026-11-24T09:00:00Z"));
    }

    @Test
    void keepsTheOtherFeedsWhenOneFailsTimesOutOrIsMalformed() throws Exception {
        xml("/rss", RSS);
        server.stubFor(get("/down").willReturn(aResponse().withStatus(502)));
        server.stubFor(get("/slow").willReturn(aResponse().withFixedDelay(6_000).withBody(ATOM)));
        xml("/broken", "<rss><channel><item><title>unclosed");

        List<NewsItem> items = source("/rss", "/down", "/slow", "/broken").items();

        assertThat(items).extracting(NewsItem::title).containsExactly("France braces for strikes");
        server.verify(2, getRequestedFor(urlEqualTo("/down")));
    }

    @Test
    void failsClearlyWhenNoFeedAnswers() {
        server.stubFor(get("/down").willReturn(aResponse().withStatus(500)));

        assertThatThrownBy(() -> source("/down").items()).isInstanceOf(AgentException.class)
                .hasMessage("none of the news feeds could be reached right now");
    }

    @Test
    void reusesAFetchedFeedUntilItsCacheTimeRunsOut() throws Exception {
        xml("/rss", RSS);
        HttpFeedSource source = source("/rss");

        source.items();
        source.items();
        server.verify(1, getRequestedFor(urlEqualTo("/rss")));

        clock.advance(Duration.ofMinutes(3));
        source.items();
        server.verify(2, getRequestedFor(urlEqualTo("/rss")));
    }

    @Test
    void eachFetchIsMeasuredAndCarriesTheTraceToTheFeedServer() {
        xml("/rss", RSS);
        ObservedHttp observed = new ObservedHttp();
        RecordedSpans spans = observed.spans();

        // the feed source as the service builds it: NewsConfiguration, with the RestClient.Builder Boot injects
        observed.context().withUserConfiguration(NewsConfiguration.class)
                .withBean(NewsProperties.class, () -> new NewsProperties(NewsProperties.Provider.RSS,
                        List.of(server.baseUrl() + "/rss"), Duration.ofMinutes(2), 5, Duration.ofSeconds(5),
                        Duration.ofSeconds(5)))
                .withBean(RetryRegistry.class, RetryRegistry::ofDefaults)
                .withBean(CircuitBreakerRegistry.class, CircuitBreakerRegistry::ofDefaults)
                .withBean(Tracer.class, spans::tracer)
                .run(context -> {
                    FeedSource feeds = context.getBean(FeedSource.class);
                    Span handling = spans.tracer().nextSpan().name("handle subtask").start();
                    try (Tracer.SpanInScope ignored = spans.tracer().withSpan(handling)) {
                        assertThat(feeds.items()).isNotEmpty();
                    }
                    handling.end();

                    assertThat(observed.requests("localhost", 200)).isEqualTo(1);
                    assertThat(server.getAllServeEvents()).singleElement().satisfies(served -> assertThat(
                            served.getRequest().getHeader("traceparent")).contains(handling.context().traceId()));
                });
    }

    private HttpFeedSource source(String... paths) {
        List<String> feeds = java.util.Arrays.stream(paths).map(path -> server.baseUrl() + path).toList();
        NewsProperties properties = new NewsProperties(NewsProperties.Provider.RSS, feeds, Duration.ofMinutes(2), 5,
                Duration.ofSeconds(2), Duration.ofSeconds(2)); // generous: a first request on a loaded machine is slow
        Retry retry = Retry.of("feeds", RetryConfig.custom().maxAttempts(2).waitDuration(Duration.ofMillis(10))
                .retryExceptions(ResourceAccessException.class, HttpServerErrorException.class).build());
        return new HttpFeedSource(properties, retry, CircuitBreakerRegistry.ofDefaults(), clock, RestClient.builder(),
                Tracer.NOOP);
    }

    private void xml(String path, String body) {
        server.stubFor(get(path).willReturn(aResponse().withHeader("Content-Type", "application/rss+xml")
                .withBody(body)));
    }

    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-11-24T12:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
