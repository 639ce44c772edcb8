package dev.agentmesh.weather;

/** WMO weather interpretation codes, as Open-Meteo uses them, in words. */
final class WeatherCodes {

    private WeatherCodes() {
    }

    static String describe(int code) {
        return switch (code) {
            case 0 -> "clear sky";
            case 1 -> "mainly clear";
            case 2 -> "partly cloudy";
            case 3 -> "overcast";
            case 45, 48 -> "fog";
            case 51 -> "light drizzle";
            case 53 -> "drizzle";
            case 55 -> "dense drizzle";
            case 56, 57 -> "freezing drizzle";
            case 61 -> "light rain";
            case 63 -> "rain";
            case 65 -> "heavy rain";
            case 66, 67 -> "freezing rain";
            case 71 -> "light snow";
            case 73 -> "snow";
            case 75 -> "heavy snow";
            case 77 -> "snow grains";
            case 80 -> "light rain showers";
            case 81 -> "rain showers";
            case 82 -> "violent rain showers";
            case 85 -> "light snow showers";
            case 86 -> "heavy snow showers";
            case 95 -> "thunderstorm";
            case 96, 99 -> "thunderstorm with hail";
            default -> "unknown conditions (code " + code + ")";
        };
    }
}
