package dev.agentmesh.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON for every {@link Event}. Unknown fields are ignored (newer writers may add nullable fields); a missing
 * required field or an unknown {@code type} is an {@link InvalidEventException}.
 */
public final class EventCodec {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .changeDefaultPropertyInclusion(inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
            .build();

    private EventCodec() {
    }

    public static byte[] encode(Event event) {
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (JacksonException e) {
            throw new InvalidEventException("cannot encode " + event.getClass().getSimpleName(), e);
        }
    }

    public static String encodeToString(Event event) {
        return new String(encode(event), java.nio.charset.StandardCharsets.UTF_8);
    }

    public static Event decode(byte[] json) {
        return decode(json, Event.class);
    }

    public static <T extends Event> T decode(byte[] json, Class<T> type) {
        if (json == null || json.length == 0) {
            throw new InvalidEventException("empty record");
        }
        try {
            return MAPPER.readValue(json, type);
        } catch (JacksonException e) {
            throw new InvalidEventException(describe(e), e);
        }
    }

    public static <T extends Event> T decode(String json, Class<T> type) {
        return decode(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), type);
    }

    private static String describe(JacksonException e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause instanceof IllegalArgumentException ? cause.getMessage() : e.getOriginalMessage();
        return "not a valid event: " + message;
    }
}
