package dev.agentmesh.gateway.realtime;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;

/**
 * Netty's frame decoder refuses a single frame over the message limit itself, with a close 1009 it writes from its
 * place in the pipeline. This handler sits just before it (toward the socket) and puts the realtime error event
 * ahead of that close, so that the client hears why, as it does for a message over the limit sent in parts.
 */
final class TooLargeNotice extends ChannelOutboundHandlerAdapter {

    static final String NAME = "relay-too-large-notice";

    private final String error;
    private final Runnable onTooLarge;
    private boolean told;

    TooLargeNotice(String error, Runnable onTooLarge) {
        this.error = error;
        this.onTooLarge = onTooLarge;
    }

    /** The gateway closes the socket itself: a close 1009 from then on is its own, with its own error before it. */
    void disarm() {
        told = true;
    }

    @Override
    public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
        if (!told && message instanceof CloseWebSocketFrame close
                && close.statusCode() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()) {
            told = true;
            context.write(new TextWebSocketFrame(ByteBufUtil.writeUtf8(context.alloc(), error)));
            onTooLarge.run();
        }
        context.write(message, promise);
    }
}
