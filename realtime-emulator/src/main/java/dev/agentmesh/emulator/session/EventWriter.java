package dev.agentmesh.emulator.session;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Stamps server events with {@code type} and a fresh {@code event_id} and hands them to the sink. */
final class EventWriter {

    private final JsonMapper json;
    private final ServerEventSink sink;

    EventWriter(JsonMapper json, ServerEventSink sink) {
        this.json = json;
        this.sink = sink;
    }

    ObjectNode event(String type) {
        ObjectNode event = json.createObjectNode();
        event.put("type", type);
        event.put("event_id", Ids.next("event"));
        return event;
    }

    void send(ObjectNode event) {
        sink.send(json.writeValueAsString(event));
    }

    ObjectNode object() {
        return json.createObjectNode();
    }

    JsonMapper json() {
        return json;
    }
}
