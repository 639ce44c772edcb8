package dev.agentmesh.weather;

import dev.agentmesh.events.ContextEntry;
import dev.agentmesh.events.UserContext;
import dev.agentmesh.sdk.AgentRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The agent's answers on the bundled samples, which go through the same Open-Meteo parsing as live data. */
class WeatherAgentTests {

    private final WeatherAgent agent = new WeatherAgent(new OfflineWeatherProvider());

    @Test
    void answersWithCelsiusInEuropeAndLabelsSampleData() throws Exception {
        String answer = agent.handle(AgentRequest.of("What's the weather in Paris today?", Duration.ofSeconds(5)));

        assertThat(answer).startsWith("Paris, France: light rain, 9 °C (feels like 6 °C), wind 18 km/h")
                .contains("high 11 °C, low 5 °C, 80% chance of precipitation")
                .endsWith("(offline sample data)");
    }

    @Test
    void answersWithFahrenheitAndMphInTheUnitedStates() throws Exception {
        String answer = agent.handle(AgentRequest.of("Is it snowing in Denver right now?", Duration.ofSeconds(5)));

        assertThat(answer).startsWith("Denver, Colorado, United States: snow, 28 °F").contains("mph");
    }

    @Test
    void asksForThePlaceWhenNoneIsGiven() throws Exception {
        assertThat(agent.handle(AgentRequest.of("Will it rain later?", Duration.ofSeconds(5))))
                .isEqualTo("Which place would you like the weather for?");
    }

    @Test
    void withoutAPlaceInTheRequestTheUsersHomeCityAndUnitsAreUsed() throws Exception {
        List<Units> asked = new java.util.ArrayList<>();
        OfflineWeatherProvider samples = new OfflineWeatherProvider();
        WeatherAgent recording = new WeatherAgent(new WeatherProvider() {
            @Override
            public java.util.Optional<Place> geocode(String name) throws dev.agentmesh.sdk.AgentException {
                return samples.geocode(name);
            }

            @Override
            public Forecast forecast(Place place, Units units) throws dev.agentmesh.sdk.AgentException {
                asked.add(units);
                return samples.forecast(place, units);
            }

            @Override
            public boolean offline() {
                return true;
            }
        });

        String answer = recording.handle(AgentRequest.of("Will it rain later?", Duration.ofSeconds(5))
                .forUser(new UserContext("Ana", "Denver", "metric", List.of(), null)));

        assertThat(answer).startsWith("Denver, Colorado, United States:");
        // Denver would get Fahrenheit and mph; the user asked for metric (the provider converts; samples are fixed)
        assertThat(asked).containsExactly(new Units(false, false));
    }

    @Test
    void aPlaceTheRequestNamesWinsOverTheHomeCity() throws Exception {
        UserContext lyon = new UserContext(null, "Lyon", null, List.of(), null);

        assertThat(agent.handle(AgentRequest.of("And in Oslo?", Duration.ofSeconds(5)).forUser(lyon)))
                .startsWith("Oslo");
        assertThat(agent.handle(AgentRequest.of("Do I need an umbrella?", Duration.ofSeconds(5)).forUser(lyon)))
                .startsWith("Lyon, France:");
    }

    @Test
    void answersForTomorrowFromTheDailyForecast() throws Exception {
        // the samples' today is Tuesday 24 November 2026 in every place
        String answer = agent.handle(AgentRequest.of("Will it rain in Paris tomorrow?", Duration.ofSeconds(5)));

        assertThat(answer).isEqualTo("Paris, France, tomorrow, Wednesday 25 November: light rain, high 10 °C, "
                + "low 4 °C, 100% chance of precipitation. (offline sample data)");
    }

    @Test
    void answersForAWeekdayWithinTheForecastWeek() throws Exception {
        String answer = agent.handle(AgentRequest.of("Is it going to snow in Oslo on Saturday?",
                Duration.ofSeconds(5)));

        assertThat(answer).startsWith("Oslo, Norway, Saturday 28 November: ").doesNotContain("Today");
    }

    @Test
    void aFollowUpWithoutAPlaceTakesThePlaceFromTheConversation() throws Exception {
        List<ContextEntry> context = List.of(new ContextEntry("user", "What's the weather in Lisbon?"),
                new ContextEntry("agent", "weather: Lisbon, Portugal: partly cloudy, 18 °C"));
        AgentRequest followUp = new AgentRequest("t-1", "c-1", "And tomorrow?", context, List.of(), 1,
                Instant.now().plusSeconds(5));

        String answer = agent.handle(followUp.forUser(new UserContext(null, "Lyon", null, List.of(), null)));

        assertThat(answer).startsWith("Lisbon, Portugal, tomorrow, Wednesday 25 November: ");
        assertThat(agent.handle(new AgentRequest("t-2", "c-1", "Und am Freitag?", context, List.of(), 1,
                Instant.now().plusSeconds(5)))).startsWith("Lisbon, Portugal, Friday 27 November: ");
    }

    @Test
    void aFollowUpNamingAnotherPlaceButNoDayAnswersForThePreviousTurnsDay() throws Exception {
        List<ContextEntry> context = List.of(new ContextEntry("user", "Paris tomorrow?"),
                new ContextEntry("agent", "weather: Paris, France, tomorrow, Wednesday 25 November: light rain"));

        String answer = agent.handle(new AgentRequest("t-1", "c-1", "What about Berlin?", context, List.of(), 1,
                Instant.now().plusSeconds(5)));

        assertThat(answer).startsWith("Berlin, Germany, tomorrow, Wednesday 25 November: ").doesNotContain("Today");
    }

    @Test
    void todayAndAnotherDayAreBothAnswered() throws Exception {
        String answer = agent.handle(AgentRequest.of("Weather in Berlin today and tomorrow", Duration.ofSeconds(5)));

        assertThat(answer).startsWith("Berlin, Germany: light snow").contains("Today: light snow")
                .contains("Berlin, Germany, tomorrow, Wednesday 25 November: ");
    }

    @Test
    void saysSoWhenTheDayAskedIsBeyondTheForecast() throws Exception {
        // today is a Tuesday: next Tuesday is 1 December, one day past the forecast's last day
        String answer = agent.handle(AgentRequest.of("Weather in Rome next Tuesday?", Duration.ofSeconds(5)));

        assertThat(answer).isEqualTo("The forecast for Rome, Italy reaches only to Monday 30 November, so I have "
                + "nothing yet for Tuesday 1 December. (offline sample data)");
    }

    @Test
    void saysClearlyWhenThePlaceIsUnknown() throws Exception {
        assertThat(agent.handle(AgentRequest.of("Weather in Atlantis?", Duration.ofSeconds(5))))
                .isEqualTo("I could not find a place called Atlantis. Could you name a nearby city?");
    }

    @Test
    void describesEveryWmoCodeOpenMeteoUses() {
        int[] codes = {0, 1, 2, 3, 45, 48, 51, 53, 55, 56, 57, 61, 63, 65, 66, 67, 71, 73, 75, 77, 80, 81, 82, 85,
                86, 95, 96, 99};
        for (int code : codes) {
            assertThat(WeatherCodes.describe(code)).doesNotStartWith("unknown");
        }
        assertThat(WeatherCodes.describe(42)).startsWith("unknown");
    }

    @Test
    void choosesUnitsByCountry() {
        assertThat(Units.forCountry("US")).isEqualTo(new Units(true, true));
        assertThat(Units.forCountry("GB")).isEqualTo(new Units(false, true));
        assertThat(Units.forCountry("FR")).isEqualTo(new Units(false, false));
    }
}
