package dev.agentmesh.gateway.realtime;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Netty's frame decoder holds a frame's bytes until its last one has come, up to the message limit per socket, so a
 * client could make every socket hold a whole message that the gateway's {@link BufferBudget} never saw. Two
 * handlers, one either side of the decoder, count the bytes handed to it since it last gave out a frame and take
 * them from the budget once they pass a frame's usual size; the next frame it gives out gives them back. Past the
 * budget the socket is given up ({@code onSpent}): its frame cannot be skipped without reading it. Bytes of the next
 * frame that came in the same read as the end of the last one are not counted: at most one read's worth.
 */
final class DecoderBudget {

    static final String COUNTING = "relay-decoder-budget";
    static final String RELEASING = "relay-decoder-budget-release";
    /** Below this, bytes waiting in the decoder are not counted: audio frames never touch the shared budget. */
    static final long FREE_BYTES = 64 * 1024;

    private final BufferBudget budget;
    private final Runnable onSpent;
    private long waiting;
    private long reserved;
    private boolean spent;

    DecoderBudget(BufferBudget budget, Runnable onSpent) {
        this.budget = budget;
        this.onSpent = onSpent;
    }

    /** Puts the two handlers either side of the channel's WebSocket frame decoder ({@code decoder}, its name). */
    void installAround(Channel channel, String decoder) {
        channel.pipeline().addBefore(decoder, COUNTING, new Counting());
        channel.pipeline().addAfter(decoder, RELEASING, new Releasing());
    }

    long reserved() {
        return reserved;
    }

    private void giveBack() {
        if (reserved > 0) {
            budget.release(reserved);
            reserved = 0;
        }
    }

    private final class Counting extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            if (spent) {
                ReferenceCountUtil.release(message);
                return;
            }
            if (message instanceof ByteBuf bytes) {
                waiting += bytes.readableBytes();
                long more = waiting - reserved;
                if (waiting > FREE_BYTES && more > 0) {
                    if (!budget.tryReserve(more)) {
                        spent = true;
                        ReferenceCountUtil.release(message);
                        giveBack();
                        onSpent.run();
                        return;
                    }
                    reserved += more;
                }
            }
            context.fireChannelRead(message);
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            giveBack();
            context.fireChannelInactive();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext context) {
            giveBack();
        }
    }

    private final class Releasing extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            if (message instanceof WebSocketFrame) {
                waiting = 0;
                giveBack();
            }
            context.fireChannelRead(message);
        }
    }
}
