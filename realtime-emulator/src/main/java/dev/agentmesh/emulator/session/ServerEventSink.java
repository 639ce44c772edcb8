package dev.agentmesh.emulator.session;

/** Where an {@link EmulatedSession} writes its server events, one JSON text per event. */
@FunctionalInterface
public interface ServerEventSink {

    void send(String json);
}
