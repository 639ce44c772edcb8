package dev.agentmesh.weather;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Current conditions and the daily outlook from today on, in the place's local dates, with the units the provider
 * used.
 *
 * @param days today first, then the following days the provider forecasts; never empty
 */
record Forecast(double temperature, double feelsLike, int humidity, double windSpeed, int weatherCode,
                List<Day> days, String temperatureUnit, String windUnit) {

    Forecast {
        if (days.isEmpty()) {
            throw new IllegalArgumentException("a forecast needs at least today's range");
        }
        days = List.copyOf(days);
    }

    /**
     * One day's outlook.
     *
     * @param precipitationChance the day's highest chance of precipitation in percent, or null when not given
     * @param weatherCode the day's WMO weather code, or null when not given
     */
    record Day(LocalDate date, double high, double low, Integer precipitationChance, Integer weatherCode) {
    }

    Day today() {
        return days.getFirst();
    }

    Optional<Day> on(LocalDate date) {
        return days.stream().filter(day -> day.date().equals(date)).findFirst();
    }

    Day lastDay() {
        return days.getLast();
    }
}
