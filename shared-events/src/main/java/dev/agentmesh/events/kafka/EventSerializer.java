package dev.agentmesh.events.kafka;

import dev.agentmesh.events.Event;
import dev.agentmesh.events.EventCodec;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serializer for every {@link Event}; a null event is a tombstone. */
public class EventSerializer implements Serializer<Event> {

    @Override
    public byte[] serialize(String topic, Event event) {
        return event == null ? null : EventCodec.encode(event);
    }
}
