package dev.agentmesh.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The units a user wants answers in. */
public enum Units {
    @JsonProperty("metric") METRIC,
    @JsonProperty("imperial") IMPERIAL
}
