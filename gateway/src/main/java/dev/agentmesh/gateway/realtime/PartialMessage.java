package dev.agentmesh.gateway.realtime;

/**
 * A client message arriving in parts: bounded by the largest message a client may send (bytes on the wire) and
 * by the gateway's {@link BufferBudget} (heap), from which it reserves as it grows and to which it gives back.
 */
final class PartialMessage {

    enum Outcome { ACCEPTED, TOO_LARGE, OVER_BUDGET, SKIPPED }

    private final BufferBudget budget;
    private final StringBuilder text = new StringBuilder();
    private long wireBytes;
    private long reserved;
    private boolean skipping;

    PartialMessage(BufferBudget budget) {
        this.budget = budget;
    }

    /**
     * Adds a part. Past the gateway's budget the message is dropped: its later parts are skipped, and the caller
     * tells the client once.
     */
    Outcome append(String part, long maxWireBytes) {
        if (skipping) {
            return Outcome.SKIPPED;
        }
        wireBytes += Utf8.length(part);
        if (wireBytes > maxWireBytes) {
            return Outcome.TOO_LARGE;
        }
        long heap = BufferBudget.heapBytes(part);
        if (!budget.tryReserve(heap)) {
            discard();
            skipping = true;
            return Outcome.OVER_BUDGET;
        }
        reserved += heap;
        text.append(part);
        return Outcome.ACCEPTED;
    }

    /** The whole message; its reservation ends here (the session relays it at once). */
    String take() {
        String message = text.toString();
        discard();
        return message;
    }

    void discard() {
        budget.release(reserved);
        reserved = 0;
        text.setLength(0);
        text.trimToSize();
    }
}
