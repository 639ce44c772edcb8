package dev.agentmesh.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.time.Instant;

/**
 * Everything published on the system's topics. The JSON carries a logical {@code type} name, never a
 * Java class name. Schemas evolve by adding nullable fields; readers ignore fields they do not know.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = AgentTaskRequested.class, name = AgentTaskRequested.TYPE),
        @JsonSubTypes.Type(value = AgentTaskCancelled.class, name = AgentTaskCancelled.TYPE),
        @JsonSubTypes.Type(value = SubtaskRequested.class, name = SubtaskRequested.TYPE),
        @JsonSubTypes.Type(value = SubtaskCompleted.class, name = SubtaskCompleted.TYPE),
        @JsonSubTypes.Type(value = SubtaskFailed.class, name = SubtaskFailed.TYPE),
        @JsonSubTypes.Type(value = AgentTaskCompleted.class, name = AgentTaskCompleted.TYPE),
        @JsonSubTypes.Type(value = AgentRegistered.class, name = AgentRegistered.TYPE),
        @JsonSubTypes.Type(value = TaskPlanned.class, name = TaskPlanned.TYPE),
        @JsonSubTypes.Type(value = TurnRecorded.class, name = TurnRecorded.TYPE),
        @JsonSubTypes.Type(value = UserProfile.class, name = UserProfile.TYPE),
        @JsonSubTypes.Type(value = ProfileUpdateRequested.class, name = ProfileUpdateRequested.TYPE),
        @JsonSubTypes.Type(value = ProfileFactForgetRequested.class, name = ProfileFactForgetRequested.TYPE),
        @JsonSubTypes.Type(value = UserForgetRequested.class, name = UserForgetRequested.TYPE)
})
public sealed interface Event permits TaskScoped, AgentRegistered, UserProfile, MemoryCommand {

    /** The schema version this code writes. Readers accept higher versions and ignore what they do not know. */
    int SCHEMA_VERSION = 1;

    String eventId();

    Instant occurredAt();

    int schemaVersion();
}
