package dev.agentmesh.gateway.realtime;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import reactor.netty.http.websocket.WebsocketOutbound;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Writes to one client's socket, its Netty channel: each message as one text frame of UTF-8 bytes, written straight
 * to the channel (no reactive stream per message). A message counts as taken once written while the channel is
 * writable; past Netty's high-water mark the send completes when its frame reached the socket, and fails after
 * {@link #SEND_TIMEOUT}, so that a peer that stops reading fails its channel instead of holding it forever.
 */
final class ClientSocket implements OutboundChannel.Sender {

    static final Duration SEND_TIMEOUT = Duration.ofSeconds(20);
    private static final CompletableFuture<Void> TAKEN = CompletableFuture.completedFuture(null);

    private final Channel channel;
    private final WebsocketOutbound outbound;

    ClientSocket(Channel channel, WebsocketOutbound outbound) {
        this.channel = channel;
        this.outbound = outbound;
    }

    Channel channel() {
        return channel;
    }

    @Override
    public CompletionStage<?> send(String text) {
        // String.getBytes (an intrinsic: a copy for ASCII) and one bulk copy into the socket's direct buffer.
        // ByteBufUtil.writeUtf8 writes char by char, and without Unsafe (Netty's default from Java 25 on) each of
        // those writes is a checked ByteBuffer.put: a third of the gateway's Java samples at 750 sessions.
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        ByteBuf bytes = channel.alloc().directBuffer(utf8.length).writeBytes(utf8);
        ChannelFuture written = channel.writeAndFlush(new TextWebSocketFrame(bytes));
        if (channel.isWritable()) {
            return TAKEN;
        }
        CompletableFuture<Void> taken = new CompletableFuture<>();
        written.addListener(done -> {
            if (done.isSuccess()) {
                taken.complete(null);
            } else {
                taken.completeExceptionally(done.cause());
            }
        });
        return taken.orTimeout(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A close frame with {@code code}, after everything written before (a task on the channel's loop). */
    void close(int code) {
        channel.eventLoop().execute(() -> {
            if (channel.pipeline().get(TooLargeNotice.class) instanceof TooLargeNotice notice) {
                notice.disarm();
            }
            outbound.sendClose(code, null).subscribe(null, error -> channel.close());
        });
    }
}
