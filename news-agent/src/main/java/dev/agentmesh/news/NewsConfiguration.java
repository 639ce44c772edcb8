package dev.agentmesh.news;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.tracing.Tracer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

import java.time.Clock;

@Configuration(proxyBeanMethods = false)
class NewsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(NewsConfiguration.class);

    @Bean
    FeedSource feedSource(NewsProperties properties, RetryRegistry retries, CircuitBreakerRegistry circuitBreakers,
                          RestClient.Builder http, ObjectProvider<Tracer> tracer) {
        if (properties.provider() == NewsProperties.Provider.OFFLINE) {
            log.info("News from bundled sample feeds (offline): NEWS_PROVIDER=offline");
            return new OfflineFeedSource();
        }
        log.info("News from {} feeds: {}", properties.feeds().size(), properties.feeds());
        return new HttpFeedSource(properties, retries.retry("feeds"), circuitBreakers, Clock.systemUTC(),
                http, tracer.getIfAvailable(() -> Tracer.NOOP));
    }
}
