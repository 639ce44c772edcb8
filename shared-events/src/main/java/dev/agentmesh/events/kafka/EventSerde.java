package dev.agentmesh.events.kafka;

import dev.agentmesh.events.Event;
import org.apache.kafka.common.serialization.Serdes;

/** Serde for Kafka Streams. */
public class EventSerde extends Serdes.WrapperSerde<Event> {

    public EventSerde() {
        super(new EventSerializer(), new EventDeserializer());
    }
}
