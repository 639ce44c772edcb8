package dev.agentmesh.weather;

import dev.agentmesh.events.ContextEntry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PlaceExtractorTests {

    private final PlaceExtractor extractor = new PlaceExtractor();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "What's the weather in Lisbon today?|Lisbon",
            "Do I need an umbrella in Seattle this afternoon?|Seattle",
            "Is it snowing in Denver right now?|Denver",
            "Give me the forecast for Tokyo and the latest headlines from Japan|Tokyo",
            "Given the weather in Oslo today, what should I wear?|Oslo",
            "Plan a picnic in Madrid that suits today's weather|Madrid",
            "Will it rain in Mumbai this evening, and what's in the news there?|Mumbai",
            "Is the storm in the news going to change the weather in Miami?|Miami",
            "Could today's weather in Rome explain anything in the headlines there?|Rome",
            "How cold is it in New York?|New York",
            "Weather for Rio de Janeiro tomorrow|Rio de Janeiro",
            "San Francisco weather please|San Francisco",
            "what's the weather in paris today|paris"})
    void findsThePlaceInTheRequest(String request, String place) {
        assertThat(extractor.find(request)).contains(place);
    }

    @Test
    void findsNoPlaceWhenNoneIsNamed() {
        assertThat(extractor.find("What's the weather like today?")).isEmpty();
        assertThat(extractor.find("Is it going to rain?")).isEmpty();
    }

    @Test
    void fallsBackToThePlaceTheUserNamedEarlier() {
        List<ContextEntry> context = List.of(new ContextEntry("user", "I'm flying to Berlin on Friday"),
                new ContextEntry("assistant", "Nice! Anything I can help with?"));

        Optional<String> place = extractor.find("Will it be cold there?", context);

        assertThat(place).contains("Berlin");
    }
}
