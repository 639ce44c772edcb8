package dev.agentmesh.weather;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.agentmesh.sdk.AgentException;
import dev.agentmesh.sdk.AgentRequest;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import dev.agentmesh.testing.ObservedHttp;
import dev.agentmesh.testing.RecordedSpans;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.api.trace.SpanKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import java.time.Duration;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real Open-Meteo client against a fake server that answers in Open-Meteo's JSON format. */
class OpenMeteoProviderTests {

    private static final String PARIS = """
            {"results":[{"id":2988507,"name":"Paris","latitude":48.85341,"longitude":2.3488,"elevation":42.0,
              "feature_code":"PPLC","country_code":"FR","admin1_id":3012874,"timezone":"Europe/Paris",
              "population":2138551,"country_id":3017382,"country":"France","admin1":"Île-de-France"}],
             "generationtime_ms":0.71}""";
    private static final String CHICAGO = """
            {"results":[{"id":4887398,"name":"Chicago","latitude":41.85003,"longitude":-87.65005,
              "country_code":"US","country":"United States","admin1":"Illinois","timezone":"America/Chicago"}],
             "generationtime_ms":0.5}""";
    private static final String FORECAST = """
            {"latitude":48.86,"longitude":2.3399997,"generationtime_ms":0.05,"utc_offset_seconds":3600,
             "timezone":"Europe/Paris","timezone_abbreviation":"GMT+1","elevation":43.0,
             "current_units":{"time":"iso8601","interval":"seconds","temperature_2m":"°C","apparent_temperature":"°C",
               "relative_humidity_2m":"%","precipitation":"mm","weather_code":"wmo code","wind_speed_10m":"km/h"},
             "current":{"time":"2026-11-24T10:15","interval":900,"temperature_2m":12.3,"apparent_temperature":10.1,
               "relative_humidity_2m":81,"precipitation":0.2,"weather_code":61,"wind_speed_10m":14.8},
             "daily_units":{"time":"iso8601","temperature_2m_max":"°C","temperature_2m_min":"°C",
               "precipitation_probability_max":"%","weather_code":"wmo code"},
             "daily":{"time":["2026-11-24","2026-11-25","2026-11-26","2026-11-27","2026-11-28","2026-11-29",
                 "2026-11-30"],
               "temperature_2m_max":[14.1,11.6,9.8,10.4,12.9,13.3,8.7],
               "temperature_2m_min":[8.2,6.9,4.1,3.6,7.7,8.0,2.2],
               "precipitation_probability_max":[80,35,5,0,65,90,20],
               "weather_code":[63,3,1,0,61,65,2]}}""";

    private final WireMockServer server = new WireMockServer(options().dynamicPort());
    private OpenMeteoProvider provider;
    private CircuitBreaker circuitBreaker;

    @BeforeEach
    void start() {
        server.start();
        // a read timeout generous enough for a busy machine; the slow-service test waits well past it
        WeatherProperties properties = new WeatherProperties(WeatherProperties.Provider.OPEN_METEO,
                server.baseUrl() + "/v1/search", server.baseUrl() + "/v1/forecast", Duration.ofSeconds(1),
                Duration.ofMillis(1_500));
        Retry retry = Retry.of("open-meteo", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(10))
                .retryExceptions(ResourceAccessException.class, HttpServerErrorException.class).build());
        circuitBreaker = CircuitBreaker.of("open-meteo", CircuitBreakerConfig.custom().minimumNumberOfCalls(4)
                .slidingWindowSize(4).failureRateThreshold(50).build());
        provider = new OpenMeteoProvider(properties, retry, circuitBreaker, RestClient.builder());
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void answersFromGeocodingAndForecast() throws Exception {
        json("/v1/search", PARIS);
        json("/v1/forecast", FORECAST);

        String answer = new WeatherAgent(provider).handle(AgentRequest.of("Weather in Paris?", Duration.ofSeconds(5)));

        assertThat(answer).isEqualTo("Paris, France: light rain, 12 °C (feels like 10 °C), wind 15 km/h, humidity 81%."
                + " Today: rain, high 14 °C, low 8 °C, 80% chance of precipitation.");
        server.verify(getRequestedFor(urlPathEqualTo("/v1/search")).withQueryParam("name", equalTo("Paris"))
                .withQueryParam("count", equalTo("1")));
        server.verify(getRequestedFor(urlPathEqualTo("/v1/forecast")).withQueryParam("latitude", equalTo("48.85341"))
                .withQueryParam("timezone", equalTo("auto")).withQueryParam("forecast_days", equalTo("7")));
    }

    @Test
    void answersForTheDayAskedFromTheDailyArrays() throws Exception {
        json("/v1/search", PARIS);
        json("/v1/forecast", FORECAST);

        WeatherAgent agent = new WeatherAgent(provider);

        assertThat(agent.handle(AgentRequest.of("Weather in Paris tomorrow?", Duration.ofSeconds(5))))
                .isEqualTo("Paris, France, tomorrow, Wednesday 25 November: overcast, high 12 °C, low 7 °C, "
                        + "35% chance of precipitation.");
        assertThat(agent.handle(AgentRequest.of("Will it rain in Paris on Sunday?", Duration.ofSeconds(5))))
                .isEqualTo("Paris, France, Sunday 29 November: heavy rain, high 13 °C, low 8 °C, "
                        + "90% chance of precipitation.");
    }

    @Test
    void aDayOpenMeteoHasNoValuesForEndsTheForecastThere() throws Exception {
        json("/v1/search", PARIS);
        json("/v1/forecast", FORECAST.replace("[14.1,11.6,9.8,10.4,12.9,13.3,8.7]",
                "[14.1,11.6,9.8,null,null,null,null]"));

        String answer = new WeatherAgent(provider).handle(AgentRequest.of("Weather in Paris on Saturday?",
                Duration.ofSeconds(5)));

        assertThat(answer).isEqualTo("The forecast for Paris, France reaches only to Thursday 26 November, so I have "
                + "nothing yet for Saturday 28 November.");
    }

    @Test
    void aForecastWithoutReadableDatesIsAnError() {
        json("/v1/search", PARIS);
        json("/v1/forecast", FORECAST.replace("\"2026-11-24\",", "\"24/11/2026\","));

        assertThatThrownBy(() -> new WeatherAgent(provider).handle(AgentRequest.of("Weather in Paris?",
                Duration.ofSeconds(5)))).isInstanceOf(AgentException.class)
                .hasMessageContaining("could not be read");
    }

    @Test
    void asksForFahrenheitAndMphInTheUnitedStates() throws Exception {
        json("/v1/search", CHICAGO);
        json("/v1/forecast", FORECAST.replace("\"°C\"", "\"°F\"").replace("\"km/h\"", "\"mp/h\""));

        String answer = new WeatherAgent(provider).handle(AgentRequest.of("Weather in Chicago", Duration.ofSeconds(5)));

        assertThat(answer).contains("°F").contains("mph");
        server.verify(getRequestedFor(urlPathEqualTo("/v1/forecast"))
                .withQueryParam("temperature_unit", equalTo("fahrenheit"))
                .withQueryParam("wind_speed_unit", equalTo("mph")));
    }

    @Test
    void saysSoWhenOpenMeteoKnowsNoSuchPlace() throws Exception {
        json("/v1/search", "{\"generationtime_ms\":0.4}");

        String answer = new WeatherAgent(provider).handle(AgentRequest.of("Weather in Xyzzy", Duration.ofSeconds(5)));

        assertThat(answer).isEqualTo("I could not find a place called Xyzzy. Could you name a nearby city?");
    }

    @Test
    void retriesAServerErrorAndThenSucceeds() throws Exception {
        server.stubFor(get(urlPathEqualTo("/v1/search")).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("recovered"));
        server.stubFor(get(urlPathEqualTo("/v1/search")).inScenario("flaky").whenScenarioStateIs("recovered")
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(PARIS)));

        assertThat(provider.geocode("Paris")).map(Place::name).contains("Paris");
        server.verify(2, getRequestedFor(urlPathEqualTo("/v1/search")));
    }

    @Test
    void doesNotRetryAClientError() {
        server.stubFor(get(urlPathEqualTo("/v1/search")).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":true,\"reason\":\"Parameter count must be between 1 and 100\"}")));

        assertThatThrownBy(() -> provider.geocode("Paris")).isInstanceOf(AgentException.class)
                .hasMessage("the weather service answered with an error (HTTP 400)");
        server.verify(1, getRequestedFor(urlPathEqualTo("/v1/search")));
    }

    @Test
    void failsClearlyWhenTheServiceIsTooSlow() {
        server.stubFor(get(urlPathEqualTo("/v1/search")).willReturn(aResponse().withFixedDelay(4_000).withBody(PARIS)));

        assertThatThrownBy(() -> provider.geocode("Paris")).isInstanceOf(AgentException.class)
                .hasMessage("the weather service is unreachable right now");
        server.verify(3, getRequestedFor(urlPathEqualTo("/v1/search")));
    }

    @Test
    void failsClearlyOnAMalformedBody() {
        json("/v1/search", PARIS);
        json("/v1/forecast", "{\"latitude\": 48.8, \"current\": ");

        assertThatThrownBy(() -> new WeatherAgent(provider).handle(AgentRequest.of("Weather in Paris",
                Duration.ofSeconds(5)))).isInstanceOf(AgentException.class)
                .hasMessage("the weather service sent an answer that could not be read");
    }

    @Test
    void stopsCallingAServiceThatKeepsFailing() {
        server.stubFor(get(urlPathEqualTo("/v1/search")).willReturn(aResponse().withStatus(500)));

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> provider.geocode("Paris")).isInstanceOf(AgentException.class);
        }

        assertThat(circuitBreaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThatThrownBy(() -> provider.geocode("Paris")).isInstanceOf(AgentException.class)
                .hasMessageContaining("not being asked for a while");
    }

    @Test
    void eachCallIsMeasuredAndIsAClientSpanOfTheWorkThatMadeItAndCarriesTheTraceToTheServer() {
        json("/v1/search", PARIS);
        json("/v1/forecast", FORECAST);
        ObservedHttp observed = new ObservedHttp();
        RecordedSpans spans = observed.spans();

        // the provider as the service builds it: WeatherConfiguration, with the RestClient.Builder Boot injects
        observed.context().withUserConfiguration(WeatherConfiguration.class)
                .withBean(WeatherProperties.class, () -> new WeatherProperties(WeatherProperties.Provider.OPEN_METEO,
                        server.baseUrl() + "/v1/search", server.baseUrl() + "/v1/forecast", Duration.ofSeconds(5),
                        Duration.ofSeconds(5)))
                .withBean(RetryRegistry.class, RetryRegistry::ofDefaults)
                .withBean(CircuitBreakerRegistry.class, CircuitBreakerRegistry::ofDefaults)
                .run(context -> {
                    WeatherProvider weather = context.getBean(WeatherProvider.class);
                    Span handling = spans.tracer().nextSpan().name("handle subtask").start();
                    try (Tracer.SpanInScope ignored = spans.tracer().withSpan(handling)) {
                        new WeatherAgent(weather).handle(AgentRequest.of("Weather in Paris?", Duration.ofSeconds(5)));
                    }
                    handling.end();

                    assertThat(observed.requests("localhost", 200)).isEqualTo(2);
                    // not a series per place: the coordinates in the query stay out of the uri tag
                    assertThat(observed.meters().get("http.client.requests").timers())
                            .extracting(timer -> timer.getId().getTag("uri")).isNotEmpty()
                            .allSatisfy(uri -> assertThat(uri).doesNotContain("?").doesNotContain("latitude"));
                    assertThat(spans.all()).filteredOn(span -> span.getKind() == SpanKind.CLIENT).hasSize(2)
                            .allSatisfy(call -> assertThat(call.getParentSpanId())
                                    .isEqualTo(handling.context().spanId()));
                    assertThat(server.getAllServeEvents()).hasSize(2).allSatisfy(served -> assertThat(
                            served.getRequest().getHeader("traceparent")).contains(handling.context().traceId()));
                });
    }

    private void json(String path, String body) {
        server.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse()
                .withHeader("Content-Type", "application/json; charset=utf-8").withBody(body)));
    }
}
