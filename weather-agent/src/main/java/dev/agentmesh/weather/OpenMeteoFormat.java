package dev.agentmesh.weather;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads Open-Meteo's geocoding and forecast JSON; used for live answers and for the bundled samples alike. */
final class OpenMeteoFormat {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private OpenMeteoFormat() {
    }

    static JsonNode read(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new MalformedResponseException("expected a JSON object");
            }
            return node;
        } catch (JacksonException e) {
            throw new MalformedResponseException("not JSON: " + e.getOriginalMessage());
        }
    }

    /** The first result, or empty when Open-Meteo knows no such place (it then omits {@code results}). */
    static Optional<Place> place(JsonNode geocoding) {
        JsonNode first = geocoding.path("results").path(0);
        if (first.isMissingNode()) {
            return Optional.empty();
        }
        if (!first.path("latitude").isNumber() || !first.path("longitude").isNumber()) {
            throw new MalformedResponseException("a geocoding result without coordinates");
        }
        return Optional.of(new Place(first.path("name").asString(""), first.path("admin1").asString(""),
                first.path("country").asString(""), first.path("country_code").asString(""),
                first.path("latitude").asDouble(), first.path("longitude").asDouble()));
    }

    /** Current conditions and every day of {@code daily} (parallel arrays, {@code time} holding local dates). */
    static Forecast forecast(JsonNode body) {
        JsonNode current = body.path("current");
        JsonNode daily = body.path("daily");
        if (!current.path("temperature_2m").isNumber() || !daily.path("temperature_2m_max").path(0).isNumber()) {
            throw new MalformedResponseException("a forecast without current temperature or daily range");
        }
        return new Forecast(
                current.path("temperature_2m").asDouble(),
                current.path("apparent_temperature").asDouble(current.path("temperature_2m").asDouble()),
                current.path("relative_humidity_2m").asInt(),
                current.path("wind_speed_10m").asDouble(),
                current.path("weather_code").asInt(),
                days(daily, current.path("weather_code").asInt()),
                body.path("current_units").path("temperature_2m").asString("°C"),
                windUnit(body.path("current_units").path("wind_speed_10m").asString("km/h")));
    }

    private static List<Forecast.Day> days(JsonNode daily, int currentCode) {
        JsonNode dates = daily.path("time");
        if (!dates.isArray() || dates.isEmpty()) {
            throw new MalformedResponseException("a daily forecast without dates");
        }
        List<Forecast.Day> days = new ArrayList<>();
        for (int i = 0; i < dates.size(); i++) {
            JsonNode high = daily.path("temperature_2m_max").path(i);
            JsonNode low = daily.path("temperature_2m_min").path(i);
            if (!high.isNumber() || !low.isNumber()) {
                // Open-Meteo writes null for a day it has no value for; the days before it still stand
                break;
            }
            JsonNode chance = daily.path("precipitation_probability_max").path(i);
            JsonNode code = daily.path("weather_code").path(i);
            days.add(new Forecast.Day(date(dates.path(i)), high.asDouble(), low.asDouble(),
                    chance.isNumber() ? chance.asInt() : null,
                    code.isNumber() ? Integer.valueOf(code.asInt()) : i == 0 ? Integer.valueOf(currentCode) : null));
        }
        if (days.isEmpty()) {
            throw new MalformedResponseException("a forecast without today's range");
        }
        return days;
    }

    private static LocalDate date(JsonNode value) {
        try {
            return LocalDate.parse(value.asString(""));
        } catch (DateTimeParseException e) {
            throw new MalformedResponseException("a daily forecast date that is not ISO 8601: " + value);
        }
    }

    /** Open-Meteo writes miles per hour as "mp/h". */
    private static String windUnit(String unit) {
        return "mp/h".equals(unit) ? "mph" : unit;
    }

    static final class MalformedResponseException extends RuntimeException {
        MalformedResponseException(String message) {
            super(message);
        }
    }
}
