package dev.agentmesh.gateway.realtime;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.ByteArrayOutputStream;

/**
 * A client message arriving in parts: bounded by the largest message a client may send (bytes on the wire) and
 * by the gateway's {@link BufferBudget} (heap), from which it reserves as it grows and to which it gives back. The
 * parts are kept as bytes (a part may end inside a UTF-8 sequence) and handed on whole.
 */
final class PartialMessage {

    enum Outcome { ACCEPTED, TOO_LARGE, OVER_BUDGET, SKIPPED }

    private final BufferBudget budget;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private long reserved;
    private boolean skipping;

    PartialMessage(BufferBudget budget) {
        this.budget = budget;
    }

    /**
     * Adds a part. Past the gateway's budget the message is dropped: its later parts are skipped, and the caller
     * tells the client once.
     */
    Outcome append(ByteBuf part, long maxWireBytes) {
        if (skipping) {
            return Outcome.SKIPPED;
        }
        int size = part.readableBytes();
        if (bytes.size() + (long) size > maxWireBytes) {
            return Outcome.TOO_LARGE;
        }
        // the growing array may be up to twice what it holds
        long heap = 2L * size;
        if (!budget.tryReserve(heap)) {
            discard();
            skipping = true;
            return Outcome.OVER_BUDGET;
        }
        reserved += heap;
        try {
            part.getBytes(part.readerIndex(), bytes, size);
        } catch (java.io.IOException cannot) {
            throw new java.io.UncheckedIOException(cannot);
        }
        return Outcome.ACCEPTED;
    }

    /** The whole message, its bytes; its reservation ends here (the session relays it at once). */
    ByteBuf take() {
        ByteBuf message = Unpooled.wrappedBuffer(bytes.toByteArray());
        discard();
        return message;
    }

    void discard() {
        budget.release(reserved);
        reserved = 0;
        bytes.reset();
    }
}
