package dev.agentmesh.events;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Arrays;
import java.util.Optional;

/** The fields of a {@link UserProfile}, by the names they have on the wire. */
public enum ProfileField {
    @JsonProperty("name") NAME("name"),
    @JsonProperty("homeCity") HOME_CITY("homeCity"),
    @JsonProperty("units") UNITS("units"),
    @JsonProperty("interests") INTERESTS("interests"),
    @JsonProperty("language") LANGUAGE("language");

    private final String wireName;

    ProfileField(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<ProfileField> ofWireName(String name) {
        return Arrays.stream(values()).filter(field -> field.wireName.equals(name)).findFirst();
    }
}
