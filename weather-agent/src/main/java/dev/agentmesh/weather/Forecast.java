package dev.agentmesh.weather;

/**
 * Current conditions and today's outlook, with the units the provider used.
 *
 * @param precipitationChance today's highest chance of precipitation in percent, or null when not given
 */
record Forecast(double temperature, double feelsLike, int humidity, double windSpeed, int weatherCode,
                double todayHigh, double todayLow, Integer precipitationChance, int todayWeatherCode,
                String temperatureUnit, String windUnit) {
}
