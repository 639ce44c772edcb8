package dev.agentmesh.emulator.web;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What clients presented and sent, kept for tests to inspect. Credentials are never logged. */
public final class ConnectionLog {

    private final List<String> credentials = new CopyOnWriteArrayList<>();
    private final List<String> receivedEventTypes = new CopyOnWriteArrayList<>();

    void credentialPresented(String credential) {
        credentials.add(credential);
    }

    void eventReceived(String type) {
        receivedEventTypes.add(type);
    }

    public List<String> credentials() {
        return List.copyOf(credentials);
    }

    public List<String> receivedEventTypes() {
        return List.copyOf(receivedEventTypes);
    }
}
