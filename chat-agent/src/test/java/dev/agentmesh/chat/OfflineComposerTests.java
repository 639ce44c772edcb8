package dev.agentmesh.chat;

import dev.agentmesh.events.PriorAnswer;
import dev.agentmesh.sdk.AgentRequest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OfflineComposerTests {

    private static final String ROME_WEATHER = "Rome, Italy: thunderstorm, 14 °C, wind 30 km/h, humidity 79%. "
            + "Today: thunderstorm, high 16 °C, low 10 °C, 90% chance of precipitation.";
    private static final String NEWS = """
            Relevant news:
            1. Storm Elena brings heavy rain and strong winds to Rome — Sample World News (https://n.example/1)
            2. Global airlines warn of winter disruption for travellers — Sample World News (https://n.example/2)
            3. French government unveils winter energy plan — Sample World News (https://n.example/3)""";

    private final OfflineComposer composer = new OfflineComposer();

    @Test
    void greetsTheUserByTheNameTheProfileKnows() {
        AgentRequest hello = AgentRequest.of("Hello there!", java.time.Duration.ofSeconds(5))
                .forUser(new dev.agentmesh.events.UserContext("Ana", null, null, java.util.List.of(), null));

        assertThat(composer.respond(hello)).startsWith("(offline composer) Hello, Ana! ");
        assertThat(composer.respond(AgentRequest.of("Hello there!", java.time.Duration.ofSeconds(5))))
                .doesNotContain("Ana");
    }

    @Test
    void saysItCannotCompareWhenTheWeatherAgentReportedNoConditions() {
        String answer = ask("Are today's news and weather related?",
                new PriorAnswer("weather", "Which place would you like the weather for?"),
                new PriorAnswer("news", NEWS));

        assertThat(answer).isEqualTo("(offline composer) I can't compare them yet: the weather agent had no "
                + "conditions to report (\"Which place would you like the weather for?\"). One headline is about the "
                + "weather: \"Storm Elena brings heavy rain and strong winds to Rome\".");
    }

    @Test
    void findsAPlaceAndWeatherSharedByTheForecastAndAHeadline() {
        String answer = ask("Could today's weather in Rome explain anything in the headlines there?",
                new PriorAnswer("weather", ROME_WEATHER), new PriorAnswer("news", NEWS));

        assertThat(answer).isEqualTo("(offline composer) Yes, they look related: the weather in Rome, Italy "
                + "(thunderstorm) matches the headline \"Storm Elena brings heavy rain and strong winds to Rome\".");
    }

    @Test
    void saysSoWhenItSeesNoRelation() {
        String answer = ask("Are today's news and weather related?",
                new PriorAnswer("weather", "Oslo, Norway: light snow, -3 °C."),
                new PriorAnswer("news", "Relevant news:\n1. Markets rally on bank earnings — Wire (https://w/1)"));

        assertThat(answer).isEqualTo("(offline composer) I see no relation: none of the headlines mention "
                + "Oslo, Norway or the weather, which is light snow.");
    }

    @Test
    void advisesWhatToWearFromTemperatureAndConditions() {
        assertThat(ask("Given the weather in Oslo today, what should I wear?",
                new PriorAnswer("weather", "Oslo, Norway: light snow, -3 °C (feels like -8 °C), wind 14 km/h.")))
                .isEqualTo("(offline composer) In Oslo, Norway it is light snow at -3 °C, so I'd suggest a heavy "
                        + "winter coat, hat and gloves and waterproof boots.");
        assertThat(ask("What should I wear in Phoenix?",
                new PriorAnswer("weather", "Phoenix, Arizona, United States: clear sky, 70 °F, wind 4 mph.")))
                .contains("at 21 °C").contains("a t-shirt with a light layer");
    }

    @Test
    void judgesAPicnicByTheWeather() {
        assertThat(ask("Plan a picnic in Madrid that suits today's weather",
                new PriorAnswer("weather", "Madrid, Spain: mainly clear, 13 °C, wind 8 km/h.")))
                .startsWith("(offline composer) Good picnic weather in Madrid, Spain: mainly clear, 13 °C.");
        assertThat(ask("Plan a picnic in Rome", new PriorAnswer("weather", ROME_WEATHER)))
                .contains("not a good idea today");
    }

    @Test
    void restatesTheNewsForTravellers() {
        String answer = ask("Summarize today's news and tell me what it means for travellers",
                new PriorAnswer("news", NEWS));

        assertThat(answer).contains("In short: Storm Elena brings heavy rain")
                .contains("For travellers, the stories to watch are: Global airlines warn of winter disruption");
    }

    @Test
    void admitsItIsOfflineForOpenQuestions() {
        assertThat(ask("What is the capital of Australia?"))
                .isEqualTo("(offline composer) I'm running offline without a language model, so I can't answer "
                        + "open questions like that. Ask me about the weather or the news instead.");
        assertThat(ask("How are you doing today?")).startsWith("(offline composer) I'm doing well");
    }

    private String ask(String text, PriorAnswer... answers) {
        return composer.respond(new AgentRequest("t", "c", text, List.of(), List.of(answers), 2,
                Instant.now().plusSeconds(5)));
    }
}
