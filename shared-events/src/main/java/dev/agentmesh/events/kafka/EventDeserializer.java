package dev.agentmesh.events.kafka;

import dev.agentmesh.events.Event;
import dev.agentmesh.events.EventCodec;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer for every {@link Event}. Throws {@link dev.agentmesh.events.InvalidEventException} on a
 * poison record, so wrap it in Spring Kafka's {@code ErrorHandlingDeserializer} to dead-letter it. A null
 * value (a tombstone) stays null.
 */
public class EventDeserializer implements Deserializer<Event> {

    @Override
    public Event deserialize(String topic, byte[] data) {
        return data == null ? null : EventCodec.decode(data);
    }
}
