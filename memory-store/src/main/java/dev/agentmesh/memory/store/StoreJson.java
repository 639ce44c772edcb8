package dev.agentmesh.memory.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.agentmesh.events.EventCodec;
import dev.agentmesh.events.UserProfile;
import dev.agentmesh.memory.history.UserHistory;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON for store values, their changelogs and the hop between instances. Lenient on read (an instance of a newer
 * version may have written fields this one does not know), without nulls on write.
 */
public final class StoreJson {

    public static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .changeDefaultPropertyInclusion(inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
            .build();

    private StoreJson() {
    }

    public static Serde<UserHistory> historySerde() {
        Serializer<UserHistory> serializer = (topic, history) -> history == null ? null
                : MAPPER.writeValueAsBytes(history);
        Deserializer<UserHistory> deserializer = (topic, bytes) -> bytes == null ? null
                : MAPPER.readValue(bytes, UserHistory.class);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    public static Serde<UserProfile> profileSerde() {
        Serializer<UserProfile> serializer = (topic, profile) -> profile == null ? null : EventCodec.encode(profile);
        Deserializer<UserProfile> deserializer = (topic, bytes) -> bytes == null ? null
                : EventCodec.decode(bytes, UserProfile.class);
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
