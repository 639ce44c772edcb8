package dev.agentmesh.gateway.realtime;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one client socket's frames into whole messages for its session: a text message whole or in parts (the
 * parts bounded by {@code gateway.limits.max-message-size} and the gateway's {@link BufferBudget}), a binary one
 * refused once it ends. Pings, pongs and close frames never get here (Reactor Netty answers them). Event loop only.
 */
final class ClientFrames {

    private static final Logger log = LoggerFactory.getLogger(ClientFrames.class);

    private final RelaySession session;
    private final BufferBudget budget;
    private final long limit;
    /** A text message arriving in parts; null between messages. */
    private PartialMessage partial;
    private boolean inBinary;

    ClientFrames(RelaySession session, BufferBudget budget, long limit) {
        this.session = session;
        this.budget = budget;
        this.limit = limit;
    }

    /** The largest frame Netty's decoder takes whole: a message may be that large in one frame. */
    static int frameLimit(long maxMessageBytes) {
        return (int) Math.min(Integer.MAX_VALUE - 8, maxMessageBytes);
    }

    void accept(WebSocketFrame frame) {
        switch (frame) {
            case TextWebSocketFrame text -> {
                discard();
                inBinary = false;
                if (text.isFinalFragment()) {
                    session.fromClient(text.content());
                } else {
                    partial = new PartialMessage(budget);
                    part(text);
                }
            }
            case BinaryWebSocketFrame binary -> {
                discard();
                inBinary = !binary.isFinalFragment();
                if (!inBinary) {
                    session.binaryFromClient();
                }
            }
            case ContinuationWebSocketFrame continuation -> {
                if (inBinary) {
                    inBinary = !continuation.isFinalFragment();
                    if (!inBinary) {
                        session.binaryFromClient();
                    }
                } else if (partial != null) {
                    part(continuation);
                }
            }
            default -> { }
        }
    }

    private void part(WebSocketFrame frame) {
        boolean last = frame.isFinalFragment();
        switch (partial.append(frame.content(), limit)) {
            case TOO_LARGE -> {
                discard();
                log.warn("Client message over {} bytes, closing: conversationId={}", limit, session.conversationId());
                session.tooLarge(limit);
            }
            case OVER_BUDGET -> {
                log.warn("Gateway buffer budget spent, dropping a client message: conversationId={}",
                        session.conversationId());
                session.refusedForBudget();
                if (last) {
                    partial = null;
                }
            }
            case SKIPPED -> {
                if (last) {
                    partial = null;
                }
            }
            case ACCEPTED -> {
                if (last) {
                    ByteBuf whole = partial.take();
                    partial = null;
                    session.fromClient(whole);
                }
            }
        }
    }

    /** Gives back what a message in parts holds (the socket closed, or a new message began). */
    void discard() {
        if (partial != null) {
            partial.discard();
            partial = null;
        }
    }
}
