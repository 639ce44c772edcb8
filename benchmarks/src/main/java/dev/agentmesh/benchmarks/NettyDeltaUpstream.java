package dev.agentmesh.benchmarks;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

import java.net.InetSocketAddress;

/**
 * {@link DeltaUpstream}'s stand-in for the realtime API on Netty: one event-loop thread ({@link RelayEventLoop},
 * shared with the load generator) accepts and serves every socket, and each {@code input_audio_buffer.append} is answered with one {@code response.output_audio.delta} copied
 * from a frame built once into a pooled buffer, its System.nanoTime() stamp written in place just before the write.
 * The same events, bytes and stamp format as the Tomcat one, at a fraction of its CPU per frame.
 */
final class NettyDeltaUpstream implements RelayUpstream {

    private static final int MAX_MESSAGE = 1 << 20;

    private final EventLoopGroup loop = RelayEventLoop.group();
    private final Channel server;
    private final ByteBuf delta;
    private final int stampAt;

    NettyDeltaUpstream() throws InterruptedException {
        byte[] template = RelayFrames.deltaTemplate();
        stampAt = RelayFrames.stampAt(template);
        delta = PooledByteBufAllocator.DEFAULT.directBuffer(template.length).writeBytes(template);
        server = new ServerBootstrap().group(loop).channel(RelayEventLoop.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/v1/realtime").checkStartsWith(true).subprotocols("realtime")
                                        .maxFramePayloadLength(MAX_MESSAGE).build()),
                                new WebSocketFrameAggregator(MAX_MESSAGE), new Session());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    @Override
    public String url() {
        return "ws://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + "/v1/realtime";
    }

    @Override
    public void close() throws InterruptedException {
        server.close().sync();
        delta.release();
    }

    private final class Session extends SimpleChannelInboundHandler<TextWebSocketFrame> {

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                ctx.writeAndFlush(new TextWebSocketFrame(
                        "{\"type\":\"session.created\",\"event_id\":\"evt_created\",\"session\":{\"type\":\"realtime\"}}"));
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            if (RelayFrames.isAppend(frame.content())) {
                ByteBuf answer = ctx.alloc().directBuffer(delta.readableBytes()).writeBytes(delta, 0,
                        delta.readableBytes());
                RelayFrames.writeStamp(answer, stampAt, System.nanoTime());
                // a raw frame: the WebSocket encoder passes bytes through as they are
                ctx.write(answer, ctx.voidPromise());
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // the client went away; its side counts the error
            ctx.close();
        }
    }
}
