package dev.agentmesh.weather;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.springframework.beans.factory.ObjectProvider;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class WeatherConfiguration {

    private static final Logger log = LoggerFactory.getLogger(WeatherConfiguration.class);

    @Bean
    WeatherProvider weatherProvider(WeatherProperties properties, RetryRegistry retries,
                                    CircuitBreakerRegistry circuitBreakers,
                                    ObjectProvider<ObservationRegistry> observations) {
        if (properties.provider() == WeatherProperties.Provider.OFFLINE) {
            log.info("Weather from bundled sample data (offline): WEATHER_PROVIDER=offline");
            return new OfflineWeatherProvider();
        }
        log.info("Weather from Open-Meteo at {} and {}", properties.geocodingUrl(), properties.forecastUrl());
        return new OpenMeteoProvider(properties, retries.retry("open-meteo"),
                circuitBreakers.circuitBreaker("open-meteo"), observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }
}
