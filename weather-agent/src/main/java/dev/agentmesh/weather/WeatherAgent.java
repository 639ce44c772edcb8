package dev.agentmesh.weather;

import dev.agentmesh.sdk.Agent;
import dev.agentmesh.sdk.AgentException;
import dev.agentmesh.events.UserContext;
import dev.agentmesh.sdk.AgentRequest;
import org.springframework.stereotype.Component;

import java.util.Locale;
import java.util.Optional;

/** Current conditions and today's forecast for the place in the request, in the units people expect there. */
@Component
class WeatherAgent implements Agent {

    private final WeatherProvider provider;
    private final PlaceExtractor places = new PlaceExtractor();

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
        return describe(place.get(), forecast) + (provider.offline() ? " (offline sample data)" : "");
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
                .append(", humidity ").append(f.humidity()).append("%. Today: ")
                .append(WeatherCodes.describe(f.todayWeatherCode())).append(", high ").append(round(f.todayHigh()))
                .append(' ').append(t).append(", low ").append(round(f.todayLow())).append(' ').append(t);
        if (f.precipitationChance() != null) {
            text.append(", ").append(f.precipitationChance()).append("% chance of precipitation");
        }
        return text.append('.').toString();
    }

    private static String round(double value) {
        return String.format(Locale.ROOT, "%d", Math.round(value));
    }
}
