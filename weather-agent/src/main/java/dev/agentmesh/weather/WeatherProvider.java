package dev.agentmesh.weather;

import dev.agentmesh.sdk.AgentException;

import java.util.Optional;

/** Where places and forecasts come from: Open-Meteo, or bundled sample data offline. */
interface WeatherProvider {

    Optional<Place> geocode(String name) throws AgentException;

    Forecast forecast(Place place, Units units) throws AgentException;

    /** True when the answers are sample data, so the agent can say so. */
    boolean offline();
}
