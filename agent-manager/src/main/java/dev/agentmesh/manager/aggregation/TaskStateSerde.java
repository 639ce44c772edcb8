package dev.agentmesh.manager.aggregation;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** JSON for the state store and its changelog. */
final class TaskStateSerde extends Serdes.WrapperSerde<TaskState> {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .changeDefaultPropertyInclusion(inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
            .build();

    TaskStateSerde() {
        super(jsonSerializer(), jsonDeserializer());
    }

    private static Serializer<TaskState> jsonSerializer() {
        return (topic, state) -> state == null ? null : MAPPER.writeValueAsBytes(state);
    }

    private static Deserializer<TaskState> jsonDeserializer() {
        return (topic, bytes) -> bytes == null ? null : MAPPER.readValue(bytes, TaskState.class);
    }
}
