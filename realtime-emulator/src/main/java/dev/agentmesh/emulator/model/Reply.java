package dev.agentmesh.emulator.model;

/** What the stand-in model decided to do with a turn. */
public sealed interface Reply {

    /** Say (or write) this text. */
    record Speech(String text) implements Reply {
    }

    /** Call a function tool with these JSON-encoded arguments. */
    record ToolCall(String name, String arguments) implements Reply {
    }
}
