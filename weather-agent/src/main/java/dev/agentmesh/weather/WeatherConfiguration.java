package dev.agentmesh.weather;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

@Configuration(proxyBeanMethods = false)
class WeatherConfiguration {

    private static final Logger log = LoggerFactory.getLogger(WeatherConfiguration.class);

    @Bean
    WeatherProvider weatherProvider(WeatherProperties properties, RetryRegistry retries,
                                    CircuitBreakerRegistry circuitBreakers,
                                    RestClient.Builder http) {
        if (properties.provider() == WeatherProperties.Provider.OFFLINE) {
            log.info("Weather from bundled sample data (offline): WEATHER_PROVIDER=offline");
            return new OfflineWeatherProvider();
        }
        log.info("Weather from Open-Meteo at {} and {}", properties.geocodingUrl(), properties.forecastUrl());
        return new OpenMeteoProvider(properties, retries.retry("open-meteo"),
                circuitBreakers.circuitBreaker("open-meteo"), http);
    }
}
