package dev.agentmesh.weather;

import org.junit.jupiter.api.Test;

import dev.agentmesh.events.ContextEntry;

import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which days a request asks about, resolved against the place's today (here Tuesday 24 November 2026). */
class DayExtractorTests {

    private static final LocalDate TUESDAY = LocalDate.of(2026, 11, 24);

    private final DayExtractor days = new DayExtractor();

    @Test
    void aRequestThatNamesNoDayIsAboutToday() {
        assertThat(days.dates("Is it raining in Bergen?", TUESDAY)).containsExactly(TUESDAY);
        assertThat(days.dates("Will it freeze tonight?", TUESDAY)).containsExactly(TUESDAY);
    }

    @Test
    void tomorrowAndTheDayAfterInSeveralLanguages() {
        for (String request : new String[] {"and tomorrow?", "Quel temps demain ?", "Regnet es morgen?",
                "¿Lloverá mañana?", "Che tempo farà domani?", "Vai fazer sol amanhã?"}) {
            assertThat(days.dates(request, TUESDAY)).as(request).containsExactly(TUESDAY.plusDays(1));
        }
        assertThat(days.dates("the day after tomorrow", TUESDAY)).containsExactly(TUESDAY.plusDays(2));
        assertThat(days.dates("Und übermorgen?", TUESDAY)).containsExactly(TUESDAY.plusDays(2));
        assertThat(days.dates("¿y pasado mañana?", TUESDAY)).containsExactly(TUESDAY.plusDays(2));
    }

    @Test
    void morgenAndMananaAsTheMorningAreToday() {
        assertThat(days.dates("Wie kalt war es heute Morgen in Wien?", TUESDAY)).containsExactly(TUESDAY);
        assertThat(days.dates("¿Hace frío esta mañana?", TUESDAY)).containsExactly(TUESDAY);
    }

    @Test
    void aWeekdayIsTheComingOneAndNextSkipsToday() {
        assertThat(days.dates("What about Saturday?", TUESDAY)).containsExactly(LocalDate.of(2026, 11, 28));
        assertThat(days.dates("et samedi ?", TUESDAY)).containsExactly(LocalDate.of(2026, 11, 28));
        assertThat(days.dates("rain on Tuesday?", TUESDAY)).containsExactly(TUESDAY);
        assertThat(days.dates("rain next Tuesday?", TUESDAY)).containsExactly(TUESDAY.plusDays(7));
        assertThat(days.dates("mardi prochain ?", TUESDAY)).containsExactly(TUESDAY.plusDays(7));
    }

    @Test
    void theWeekendIsSaturdayAndSunday() {
        assertThat(days.dates("How's the weather looking for the weekend in Nice?", TUESDAY))
                .containsExactly(LocalDate.of(2026, 11, 28), LocalDate.of(2026, 11, 29));
        assertThat(days.dates("this weekend", LocalDate.of(2026, 11, 29))).containsExactly(LocalDate.of(2026, 11, 29));
    }

    @Test
    void severalDaysInTheOrderAsked() {
        assertThat(days.dates("Friday or tomorrow, whichever is drier", TUESDAY))
                .containsExactly(LocalDate.of(2026, 11, 27), TUESDAY.plusDays(1));
    }

    @Test
    void aFollowUpThatNamesNoDayKeepsTheDayOfThePreviousUserTurn() {
        List<ContextEntry> paris = List.of(new ContextEntry("user", "Will it rain in Paris tomorrow?"),
                new ContextEntry("agent", "weather: Paris, France, tomorrow: light rain"));

        assertThat(days.dates("What about Berlin?", paris, TUESDAY)).containsExactly(TUESDAY.plusDays(1));
        assertThat(days.dates("et à Lyon ?", paris, TUESDAY)).containsExactly(TUESDAY.plusDays(1));
        // a follow-up that names its own day, or a request that is no follow-up, is about its own day
        assertThat(days.dates("And on Saturday?", paris, TUESDAY)).containsExactly(LocalDate.of(2026, 11, 28));
        assertThat(days.dates("What's the weather in Berlin?", paris, TUESDAY)).containsExactly(TUESDAY);
    }

    @Test
    void theDayCarriesThroughAChainOfFollowUps() {
        List<ContextEntry> context = List.of(new ContextEntry("user", "Weather in Paris on Friday?"),
                new ContextEntry("agent", "weather: Paris, France, Friday 27 November: rain"),
                new ContextEntry("user", "what about Berlin?"),
                new ContextEntry("agent", "weather: Berlin, Germany, Friday 27 November: snow"));

        assertThat(days.dates("and Rome?", context, TUESDAY)).containsExactly(LocalDate.of(2026, 11, 27));
    }

    @Test
    void afterAPreviousTurnThatNamedNoDayAFollowUpIsAboutToday() {
        List<ContextEntry> context = List.of(new ContextEntry("user", "Is it cold in Oslo?"),
                new ContextEntry("agent", "weather: Oslo, Norway: snow"));

        assertThat(days.dates("What about Berlin?", context, TUESDAY)).containsExactly(TUESDAY);
        assertThat(days.dates("What about Berlin?", List.of(), TUESDAY)).containsExactly(TUESDAY);
    }

    @Test
    void dayWordsAreNoPlaceNames() {
        assertThat(DayExtractor.namesADay("Mañana")).isTrue();
        assertThat(DayExtractor.namesADay("Samstag")).isTrue();
        assertThat(DayExtractor.namesADay("Berlin")).isFalse();
        assertThat(new PlaceExtractor().find("Mañana?")).isEmpty();
    }
}
