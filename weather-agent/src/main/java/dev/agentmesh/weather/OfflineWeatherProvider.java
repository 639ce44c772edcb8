package dev.agentmesh.weather;

import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * Bundled sample data for a handful of cities, stored as Open-Meteo responses and read by the same code as live
 * answers. The samples carry fixed values; the agent labels its answers as sample data.
 */
final class OfflineWeatherProvider implements WeatherProvider {

    private static final String RESOURCE = "/offline/open-meteo-samples.json";

    private final Map<String, JsonNode> samples;

    OfflineWeatherProvider() {
        JsonNode all = OpenMeteoFormat.read(load());
        this.samples = StreamSupport.stream(all.path("places").spliterator(), false)
                .collect(Collectors.toMap(sample -> key(sample.path("geocoding").path("results").path(0)
                        .path("name").asString()), sample -> sample));
    }

    @Override
    public Optional<Place> geocode(String name) {
        JsonNode sample = samples.get(key(name));
        return sample == null ? Optional.empty() : OpenMeteoFormat.place(sample.path("geocoding"));
    }

    @Override
    public Forecast forecast(Place place, Units units) {
        return OpenMeteoFormat.forecast(samples.get(key(place.name())).path("forecast"));
    }

    @Override
    public boolean offline() {
        return true;
    }

    private static String key(String name) {
        return name.trim().toLowerCase(Locale.ROOT);
    }

    private static String load() {
        try (InputStream in = OfflineWeatherProvider.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
