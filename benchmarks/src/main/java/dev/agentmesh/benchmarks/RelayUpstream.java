package dev.agentmesh.benchmarks;

/** The stand-in for the realtime API that answers every append with one stamped delta (see {@link DeltaUpstream}). */
interface RelayUpstream extends AutoCloseable {

    /** The WebSocket URL clients and the gateway connect to. */
    String url();
}
