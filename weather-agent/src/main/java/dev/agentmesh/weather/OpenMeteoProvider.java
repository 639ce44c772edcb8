package dev.agentmesh.weather;

import dev.agentmesh.sdk.AgentException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import dev.agentmesh.llm.ProviderHttpClients;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

import java.net.URI;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import tools.jackson.databind.JsonNode;

import static org.springframework.web.util.UriComponentsBuilder.fromUriString;

/**
 * Open-Meteo over HTTP: geocoding, then the forecast at the place's coordinates in the units people expect
 * there. Each call has connect and read timeouts, is retried on I/O errors and 5xx (never on 4xx), and runs
 * behind a circuit breaker so a dead service fails fast.
 */
final class OpenMeteoProvider implements WeatherProvider {

    private static final String CURRENT = "temperature_2m,apparent_temperature,relative_humidity_2m,precipitation,"
            + "weather_code,wind_speed_10m";
    private static final String DAILY = "temperature_2m_max,temperature_2m_min,precipitation_probability_max,"
            + "weather_code";
    /** Today and the six days after it: every weekday a request can name. */
    static final int FORECAST_DAYS = 7;

    private final RestClient http;
    private final WeatherProperties properties;
    private final Retry retry;
    private final CircuitBreaker circuitBreaker;

    /**
     * @param http the {@link RestClient.Builder} Spring injected, so calls are observed ({@code http.client.requests}
     *             metrics, client spans that carry the trace on); this provider's timeouts go on a clone of it
     */
    OpenMeteoProvider(WeatherProperties properties, Retry retry, CircuitBreaker circuitBreaker,
                      RestClient.Builder http) {
        this.http = ProviderHttpClients.builder(http, properties.connectTimeout(), properties.readTimeout(),
                HttpRedirects.DONT_FOLLOW).build();
        this.properties = properties;
        this.retry = retry;
        this.circuitBreaker = circuitBreaker;
    }

    @Override
    public Optional<Place> geocode(String name) throws AgentException {
        URI uri = fromUriString(properties.geocodingUrl()).queryParam("name", name).queryParam("count", 1)
                .queryParam("language", "en").queryParam("format", "json").encode().build().toUri();
        return call(uri, OpenMeteoFormat::place);
    }

    @Override
    public Forecast forecast(Place place, Units units) throws AgentException {
        var builder = fromUriString(properties.forecastUrl())
                .queryParam("latitude", place.latitude()).queryParam("longitude", place.longitude())
                .queryParam("current", CURRENT).queryParam("daily", DAILY)
                .queryParam("timezone", "auto").queryParam("forecast_days", FORECAST_DAYS);
        if (units.fahrenheit()) {
            builder.queryParam("temperature_unit", "fahrenheit");
        }
        if (units.mph()) {
            builder.queryParam("wind_speed_unit", "mph");
        }
        return call(builder.encode().build().toUri(), OpenMeteoFormat::forecast);
    }

    @Override
    public boolean offline() {
        return false;
    }

    private <T> T call(URI uri, Function<JsonNode, T> parse) throws AgentException {
        Supplier<String> call = () -> http.get().uri(uri).retrieve().body(String.class);
        try {
            String body = Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(circuitBreaker, call)).get();
            return parse.apply(OpenMeteoFormat.read(body));
        } catch (CallNotPermittedException e) {
            throw new AgentException("the weather service is failing, so it is not being asked for a while", e);
        } catch (RestClientResponseException e) {
            throw new AgentException("the weather service answered with an error (HTTP "
                    + e.getStatusCode().value() + ")", e);
        } catch (RestClientException e) {
            throw new AgentException("the weather service is unreachable right now", e);
        } catch (OpenMeteoFormat.MalformedResponseException e) {
            throw new AgentException("the weather service sent an answer that could not be read", e);
        }
    }
}
