package dev.agentmesh.memory.store;

import dev.agentmesh.events.Event;
import dev.agentmesh.events.EventCodec;
import dev.agentmesh.events.InvalidEventException;
import dev.agentmesh.events.TurnRecorded;
import org.apache.kafka.common.serialization.Deserializer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reads conversation-events for the memory store: turns are decoded (a broken turn is an
 * {@link InvalidEventException}, dead-lettered), every other type, including types added after this version, is
 * not the store's business and reads as null, which the topology drops.
 */
public final class TurnsOnlyDeserializer implements Deserializer<Event> {

    @Override
    public Event deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        JsonNode tree;
        try {
            tree = StoreJson.MAPPER.readTree(data);
        } catch (JacksonException e) {
            throw new InvalidEventException("not valid JSON", e);
        }
        if (!tree.isObject() || !TurnRecorded.TYPE.equals(tree.path("type").asString(""))) {
            return null;
        }
        return EventCodec.decode(data, TurnRecorded.class);
    }
}
