package dev.agentmesh.gateway.realtime;

import dev.agentmesh.gateway.GatewayProperties;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.ReferenceCountUtil;
import org.springframework.beans.factory.DisposableBean;

import javax.net.ssl.SSLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The upstream socket on Netty's WebSocket client ({@code gateway.upstream.client=netty}): every upstream socket of
 * the gateway lives on a small shared group of event-loop threads (one per core), no thread per session. A text
 * frame arrives as bytes and becomes a {@code String} in one step ({@code new String(bytes, UTF_8)}, whose ASCII path
 * is a copy); a message sent is encoded the same way ({@code String.getBytes}) and masked by Netty a word at a time.
 * Read buffers are pooled and given back after each read, so an idle socket holds no buffer.
 *
 * <p>wss:// uses the JDK's TLS with its default trust store and checks the server's host name; the rule that keeps
 * the key off plain ws:// except on loopback is {@link GatewayProperties.Upstream}'s. Pings are answered by Netty;
 * a close frame from the server is answered with the same code and reported with it.
 */
final class NettyUpstreamConnector implements UpstreamConnector, DisposableBean {

    /**
     * The largest message the upstream may send, in one frame or in parts: past it the socket is closed (1009), as a
     * bound on what a misbehaving upstream can make the gateway hold. The realtime API's events are far smaller.
     */
    static final int MAX_UPSTREAM_MESSAGE = 64 * 1024 * 1024;
    /** How long a close the gateway sent waits for the server's close before the connection is dropped. */
    private static final long CLOSE_WAIT_MILLIS = 5_000;
    private static final CompletableFuture<Void> TAKEN = CompletableFuture.completedFuture(null);

    private final GatewayProperties.Upstream upstream;
    private final URI endpoint;
    private final EventLoopGroup loops;
    private final SslContext tls;
    private final String host;
    private final int port;

    NettyUpstreamConnector(GatewayProperties.Upstream upstream) {
        this.upstream = upstream;
        this.endpoint = upstream.endpoint();
        boolean secure = "wss".equalsIgnoreCase(endpoint.getScheme());
        this.host = endpoint.getHost();
        this.port = endpoint.getPort() != -1 ? endpoint.getPort() : secure ? 443 : 80;
        try {
            this.tls = secure ? SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build() : null;
        } catch (SSLException e) {
            throw new IllegalStateException("Cannot set up TLS for " + endpoint.getHost(), e);
        }
        this.loops = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                Thread.ofPlatform().name("relay-upstream-", 0).daemon().factory(), NioIoHandler.newFactory());
    }

    @Override
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public CompletableFuture<Socket> connect(Consumer<String> onText, Consumer<String> onLost) {
        return connect(onText, onLost, null);
    }

    /**
     * With {@code beside} (the client's socket), the upstream socket is registered on the same event loop: a frame in
     * either direction is read, checked and written on one thread, with no queue hand-off and no wake-up. The
     * upstream channel is of the client channel's own class, which fits that loop's transport.
     */
    @Override
    public CompletableFuture<Socket> connect(Consumer<String> onText, Consumer<String> onLost, Channel beside) {
        HttpHeaders headers = new DefaultHttpHeaders();
        if (!upstream.offline()) {
            headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + upstream.apiKey());
        }
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(endpoint)
                .customHeaders(headers)
                .generateOriginHeader(false)
                .maxFramePayloadLength(MAX_UPSTREAM_MESSAGE)
                .handshakeTimeoutMillis(upstream.connectTimeout().toMillis())
                // the handler below answers and reports close frames itself, with their code
                .handleCloseFrames(false)
                .dropPongFrames(true)
                // a text frame is decoded once, by new String(..., UTF_8), which replaces what is not UTF-8; the
                // upstream is the server's provider, and a second pass over every byte costs more than it guards
                .withUTF8Validator(false)
                .build();
        Relay relay = new Relay(onText, onLost);
        long connectMillis = upstream.connectTimeout().toMillis();
        Bootstrap bootstrap = beside instanceof SocketChannel
                ? new Bootstrap().group(beside.eventLoop()).channel(beside.getClass())
                : new Bootstrap().group(loops).channel(NioSocketChannel.class);
        bootstrap
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectMillis))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (tls != null) {
                            channel.pipeline().addLast(tls.newHandler(channel.alloc(), host, port));
                        }
                        channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                                new WebSocketClientProtocolHandler(config), relay);
                    }
                })
                .connect(host, port).addListener((ChannelFutureListener) connected -> {
                    if (!connected.isSuccess()) {
                        relay.opened.completeExceptionally(connected.cause());
                    }
                });
        return relay.opened;
    }

    @Override
    public void destroy() {
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }

    /** One socket's inbound side, and the socket itself once the handshake is done. */
    private static final class Relay extends ChannelInboundHandlerAdapter implements Socket {

        private final Consumer<String> onText;
        private final Consumer<String> onLost;
        final CompletableFuture<Socket> opened = new CompletableFuture<>();
        private volatile Channel channel;
        /** A message arriving in parts (event loop only); null between messages. */
        private CompositeByteBuf partial;
        private boolean partialIsText;
        private volatile boolean closeSent;
        private boolean reported;
        /** Completed when the channel takes writes again (guarded by this). */
        private CompletableFuture<Void> writable;

        Relay(Consumer<String> onText, Consumer<String> onLost) {
            this.onText = onText;
            this.onLost = onLost;
        }

        // ---- the socket, called from any thread ---------------------------------------------------------

        @Override
        public CompletionStage<?> sendText(String text) {
            Channel current = channel;
            current.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8))))
                    .addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
            if (current.isWritable()) {
                return TAKEN;
            }
            // past Netty's high-water mark (64 KiB by default): the next message waits until the socket drained
            synchronized (this) {
                if (writable == null) {
                    writable = new CompletableFuture<>();
                }
                CompletableFuture<Void> wait = writable;
                if (current.isWritable() || !current.isActive()) {
                    drained(current.isActive());
                }
                return wait;
            }
        }

        @Override
        public void close(String reason) {
            Channel current = channel;
            if (current == null || closeSent) {
                return;
            }
            closeSent = true;
            current.writeAndFlush(new CloseWebSocketFrame(1000, reason)).addListener(sent -> current.eventLoop()
                    .schedule(() -> current.close(), CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS));
        }

        private synchronized void drained(boolean open) {
            if (writable != null) {
                if (open) {
                    writable.complete(null);
                } else {
                    writable.completeExceptionally(new java.nio.channels.ClosedChannelException());
                }
                writable = null;
            }
        }

        // ---- the event loop -----------------------------------------------------------------------------

        @Override
        public void channelActive(ChannelHandlerContext context) throws Exception {
            channel = context.channel();
            super.channelActive(context);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext context, Object event) throws Exception {
            if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                opened.complete(this);
            } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                opened.completeExceptionally(new TimeoutException("no WebSocket handshake within the connect timeout"));
                context.close();
            }
            super.userEventTriggered(context, event);
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            if (!(message instanceof WebSocketFrame frame)) {
                ReferenceCountUtil.release(message);
                return;
            }
            try {
                switch (frame) {
                    case TextWebSocketFrame text -> begin(context, text, true);
                    case BinaryWebSocketFrame binary -> begin(context, binary, false);
                    case ContinuationWebSocketFrame continuation -> more(context, continuation);
                    case CloseWebSocketFrame close -> closedByServer(context, close);
                    default -> { }
                }
            } finally {
                frame.release();
            }
        }

        private void begin(ChannelHandlerContext context, WebSocketFrame frame, boolean text) {
            discardPartial();
            if (frame.isFinalFragment()) {
                if (text) {
                    onText.accept(frame.content().toString(StandardCharsets.UTF_8));
                }
                return;
            }
            partialIsText = text;
            partial = context.alloc().compositeBuffer(Integer.MAX_VALUE);
            partial.addComponent(true, frame.content().retain());
        }

        private void more(ChannelHandlerContext context, ContinuationWebSocketFrame frame) {
            if (partial == null) {
                return;
            }
            if (partial.readableBytes() + frame.content().readableBytes() > MAX_UPSTREAM_MESSAGE) {
                discardPartial();
                report("the upstream sent a message over " + MAX_UPSTREAM_MESSAGE + " bytes");
                context.writeAndFlush(new CloseWebSocketFrame(1009, "message too big"))
                        .addListener(ChannelFutureListener.CLOSE);
                closeSent = true;
                return;
            }
            partial.addComponent(true, frame.content().retain());
            if (frame.isFinalFragment()) {
                ByteBuf whole = partial;
                partial = null;
                try {
                    if (partialIsText) {
                        onText.accept(whole.toString(StandardCharsets.UTF_8));
                    }
                } finally {
                    whole.release();
                }
            }
        }

        private void closedByServer(ChannelHandlerContext context, CloseWebSocketFrame close) {
            int code = close.statusCode() == -1 ? 1005 : close.statusCode();
            String reason = close.reasonText();
            report("closed with code " + code + (reason == null || reason.isBlank() ? "" : " (" + reason + ")"));
            if (closeSent) {
                context.close();
            } else {
                closeSent = true;
                CloseWebSocketFrame answer = close.statusCode() == -1 ? new CloseWebSocketFrame()
                        : new CloseWebSocketFrame(close.statusCode(), "");
                context.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext context) throws Exception {
            if (context.channel().isWritable()) {
                drained(true);
            }
            super.channelWritabilityChanged(context);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable error) {
            if (!opened.isDone()) {
                opened.completeExceptionally(error);
            } else {
                report("connection failed: " + error.getClass().getSimpleName());
            }
            context.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) throws Exception {
            discardPartial();
            drained(false);
            if (!opened.isDone()) {
                opened.completeExceptionally(new java.nio.channels.ClosedChannelException());
            } else {
                report("connection failed: the connection closed without a close frame");
            }
            super.channelInactive(context);
        }

        /** Reports the socket's end once: a close frame, then the connection's end, are one loss. */
        private void report(String why) {
            if (!reported) {
                reported = true;
                onLost.accept(why);
            }
        }

        private void discardPartial() {
            if (partial != null) {
                partial.release();
                partial = null;
            }
        }
    }
}
