package dev.agentmesh.events;

import java.util.UUID;

/** Identifier generation for events and tasks. */
public final class Ids {

    private Ids() {
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }
}
