package dev.agentmesh.weather;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * @param provider {@code open-meteo} (the real service) or {@code offline} (bundled sample data)
 * @param geocodingUrl OPEN_METEO_GEOCODING_URL
 * @param forecastUrl OPEN_METEO_FORECAST_URL
 * @param connectTimeout and {@code readTimeout}: per HTTP call; retries come on top
 */
@Validated
@ConfigurationProperties("weather")
record WeatherProperties(@NotNull Provider provider, @NotBlank String geocodingUrl, @NotBlank String forecastUrl,
                         @NotNull Duration connectTimeout, @NotNull Duration readTimeout) {

    enum Provider { OPEN_METEO, OFFLINE }
}
