package dev.agentmesh.weather;

import dev.agentmesh.sdk.Agent;
import dev.agentmesh.sdk.AgentException;
import dev.agentmesh.events.UserContext;
import dev.agentmesh.sdk.AgentRequest;
import org.springframework.stereotype.Component;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Current conditions and the forecast for the place and the days in the request (today unless it names another day
 * within the forecast's week), in the units people expect there. A follow-up that names no place ("and tomorrow?")
 * takes the place from the conversation's earlier turns, and one that names no day ("what about Berlin?") the day
 * of the previous user turn.
 */
@Component
class WeatherAgent implements Agent {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEEE d MMMM", Locale.ENGLISH);

    private final WeatherProvider provider;
    private final PlaceExtractor places = new PlaceExtractor();
    private final DayExtractor days = new DayExtractor();

    WeatherAgent(WeatherProvider provider) {
        this.provider = provider;
    }

    @Override
    public String name() {
        return "weather";
    }

    @Override
    public String handle(AgentRequest request) throws AgentException {
        UserContext user = request.user();
        // a place the request (or the conversation) names wins; else the user's home city, if the profile has one
        Optional<String> placeName = places.find(request.text(), request.context())
                .or(() -> Optional.ofNullable(user == null ? null : user.homeCity()).filter(city -> !city.isBlank()));
        if (placeName.isEmpty()) {
            return "Which place would you like the weather for?";
        }
        Optional<Place> place = provider.geocode(placeName.get());
        if (place.isEmpty()) {
            return "I could not find a place called " + placeName.get() + ". Could you name a nearby city?";
        }
        Forecast forecast = provider.forecast(place.get(),
                Units.forUser(user == null ? null : user.units(), place.get().countryCode()));
        List<LocalDate> asked = days.dates(request.text(), request.context(), forecast.today().date());
        return describe(place.get(), forecast, asked) + (provider.offline() ? " (offline sample data)" : "");
    }

    /** Today's answer is the current conditions and today's range; another day's is that day's range. */
    static String describe(Place place, Forecast f, List<LocalDate> asked) {
        if (asked.equals(List.of(f.today().date()))) {
            return describe(place, f);
        }
        List<String> parts = new ArrayList<>();
        List<LocalDate> beyond = new ArrayList<>();
        for (LocalDate date : asked) {
            if (date.equals(f.today().date())) {
                parts.add(describe(place, f));
            } else {
                f.on(date).ifPresentOrElse(day -> parts.add(place.label() + ", " + dayName(date, f.today().date())
                        + ": " + range(day, f.temperatureUnit()) + "."), () -> beyond.add(date));
            }
        }
        if (!beyond.isEmpty()) {
            parts.add("The forecast for " + place.label() + " reaches only to " + dayName(f.lastDay().date(),
                    f.today().date()) + ", so I have nothing yet for " + String.join(" or ",
                    beyond.stream().map(date -> dayName(date, f.today().date())).toList()) + ".");
        }
        return String.join(" ", parts);
    }

    static String describe(Place place, Forecast f) {
        String t = f.temperatureUnit();
        StringBuilder text = new StringBuilder();
        text.append(place.label()).append(": ").append(WeatherCodes.describe(f.weatherCode())).append(", ")
                .append(round(f.temperature())).append(' ').append(t);
        if (Math.abs(f.feelsLike() - f.temperature()) >= 1) {
            text.append(" (feels like ").append(round(f.feelsLike())).append(' ').append(t).append(')');
        }
        text.append(", wind ").append(round(f.windSpeed())).append(' ').append(f.windUnit())
                .append(", humidity ").append(f.humidity()).append("%. Today: ").append(range(f.today(), t));
        return text.append('.').toString();
    }

    /** "rain, high 14 °C, low 8 °C, 80% chance of precipitation" */
    private static String range(Forecast.Day day, String unit) {
        String text = (day.weatherCode() == null ? "" : WeatherCodes.describe(day.weatherCode()) + ", ")
                + "high " + round(day.high()) + ' ' + unit + ", low " + round(day.low()) + ' ' + unit;
        return day.precipitationChance() == null ? text
                : text + ", " + day.precipitationChance() + "% chance of precipitation";
    }

    /** "tomorrow, Wednesday 25 November" or "Saturday 28 November". */
    private static String dayName(LocalDate date, LocalDate today) {
        String name = DAY.format(date);
        return date.equals(today.plusDays(1)) ? "tomorrow, " + name : name;
    }

    private static String round(double value) {
        return String.format(Locale.ROOT, "%d", Math.round(value));
    }
}
