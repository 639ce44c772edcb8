package dev.agentmesh.events;

/**
 * What travels on {@link Topics#MEMORY_COMMANDS}, keyed by user id: changes to a user's memory that the memory
 * store applies in order with that user's turns (it is their only writer, so a learned fact and a setting by the
 * user never race).
 */
public sealed interface MemoryCommand extends Event
        permits ProfileUpdateRequested, ProfileFactForgetRequested, UserForgetRequested {

    /** The user whose memory changes; also the record key. */
    String userId();
}
