package dev.agentmesh.benchmarks;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * {@link RealtimeLoad}'s sessions on Netty: every socket on one event-loop thread ({@link RelayEventLoop}, shared
 * with the upstream), no thread or timer per session.
 * One {@link SendSchedule} orders every session's appends in real time (session i sends at its own phase,
 * i × 20 ms ÷ n, every 20 ms); the loop sends whatever is due whenever it runs (a timer set for the next due send,
 * and after every read) and records how late each send was, so a generator that falls behind says so in the
 * report. The append is one pre-built masked frame shared by every send (a pooled direct buffer, duplicated); a
 * received delta's stamp is read from its bytes, no String made.
 */
final class NettyRealtimeLoad implements SessionLoad {

    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int MAX_MESSAGE = 1 << 20;
    private static final int BATCH = 50;
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int SENDS_PER_READ = 16;

    private final EventLoop loop = RelayEventLoop.group().next();
    private final ByteBuf append;
    private final List<Session> sessions = new ArrayList<>();
    private final Runnable tick = this::tick;
    private long connectFailures;
    private long refused;

    // confined to the event loop
    private Samples.Recorder latencies = new Samples.Recorder();
    private Samples.Recorder lateness = new Samples.Recorder();
    private long appends;
    private long backlog;
    private long errors;
    private long fallingBehind;
    private boolean recording;
    private boolean closing;
    private SendSchedule schedule;
    private Session[] order;
    private ScheduledFuture<?> timer;

    private NettyRealtimeLoad() {
        byte[] frame = RelayFrames.maskedAppend(new SecureRandom().nextInt());
        append = PooledByteBufAllocator.DEFAULT.directBuffer(frame.length).writeBytes(frame);
    }

    /** Opens {@code sessions} sockets, {@value #BATCH} handshakes at a time, each greeted by its first server event. */
    static NettyRealtimeLoad connect(String url, int sessions) {
        NettyRealtimeLoad load = new NettyRealtimeLoad();
        URI uri = URI.create(url);
        Bootstrap bootstrap = new Bootstrap().group(load.loop).channel(RelayEventLoop.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                // a session whose socket holds more than two appends unsent skips its next one (counted)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(2 * 1024, 4 * 1024));
        for (int start = 0; start < sessions; start += BATCH) {
            List<Session> batch = new ArrayList<>();
            for (int i = start; i < Math.min(sessions, start + BATCH); i++) {
                Session session = load.new Session(uri);
                batch.add(session);
                bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192), session);
                    }
                }).connect(uri.getHost(), uri.getPort()).addListener(connected -> {
                    if (!connected.isSuccess()) {
                        session.greeted.completeExceptionally(connected.cause());
                    }
                });
            }
            for (Session session : batch) {
                try {
                    session.greeted.get(30, TimeUnit.SECONDS);
                    load.sessions.add(session);
                } catch (Exception e) {
                    load.connectFailures++;
                    if (session.refused) {
                        load.refused++;
                    }
                    if (session.channel != null) {
                        session.channel.close();
                    }
                }
            }
        }
        return load;
    }

    @Override
    public int connected() {
        return sessions.size();
    }

    @Override
    public long connectFailures() {
        return connectFailures;
    }

    @Override
    public RealtimeLoad.Result run(Duration warmup, Duration measure, LongSupplier gatewayCpuNanos)
            throws InterruptedException {
        if (sessions.isEmpty()) {
            return new RealtimeLoad.Result(0, Samples.of(new long[0], 0), 0, 0, 0, 0, connectFailures, 0, 0, refused,
                    0, measure.toNanos() / 1e9, Double.NaN, Samples.of(new long[0], 0));
        }
        onLoop(() -> {
            order = sessions.toArray(Session[]::new);
            schedule = new SendSchedule(order.length, PERIOD_NANOS, System.nanoTime());
            tick();
        });
        Thread.sleep(warmup.toMillis());
        long[] before = onLoop(() -> {
            latencies = new Samples.Recorder();
            lateness = new Samples.Recorder();
            recording = true;
            return new long[] {appends, backlog, errors, fallingBehind};
        });
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        long gatewayBefore = gatewayCpuNanos == null ? 0 : gatewayCpuNanos.getAsLong();
        long wallBefore = System.nanoTime();
        Thread.sleep(measure.toMillis());
        long[] after = onLoop(() -> {
            recording = false;
            return new long[] {appends, backlog, errors, fallingBehind};
        });
        long wall = System.nanoTime() - wallBefore;
        double cores = (os.getProcessCpuTime() - cpuBefore) / (double) wall;
        double gatewayCores = gatewayCpuNanos == null ? Double.NaN
                : (gatewayCpuNanos.getAsLong() - gatewayBefore) / (double) wall;
        onLoop(() -> {
            timer.cancel(false);
            schedule = null;
        });
        long[] latency = onLoop(latencies::toArray);
        long[] late = onLoop(lateness::toArray);
        long errorCount = after[2] - before[2];
        long failedSessions = onLoop(() -> sessions.stream().filter(session -> session.failed).count());
        return new RealtimeLoad.Result(sessions.size(), Samples.of(latency, (int) errorCount), after[0] - before[0],
                latency.length, errorCount, failedSessions, connectFailures, after[1] - before[1], cores, refused,
                after[3] - before[3], wall / 1e9, gatewayCores, Samples.of(late, 0));
    }

    /** The timer's turn: sends what is due, then sleeps until the next send is. */
    private void tick() {
        if (schedule == null) {
            return;
        }
        sendDue(order.length);
        // Not sooner than a millisecond: NIO's selector waits in whole milliseconds and Netty polls instead for a
        // shorter wait, which would spin the core the upstream needs. A send is up to that much late (and measured);
        // under load the reads wake the loop sooner (see channelReadComplete).
        timer = loop.schedule(tick, Math.max(TICK_NANOS, schedule.nextDue() - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /**
     * The sends due when this turn began, at most {@code max} of them, each recorded with how late it is as it is
     * written. The rest wait for the next turn: the loop must read and run its tasks too. Unbounded, a generator that
     * cannot keep up would make every turn longer than the one before (each catching up on all that fell due during
     * the last) and never answer again; bounded, it falls behind and its lateness says by how much.
     */
    private void sendDue(int max) {
        if (schedule == null) {
            return;
        }
        long turn = System.nanoTime();
        for (int sent = 0; sent < max && schedule.nextDue() <= turn; sent++) {
            Session session = order[schedule.nextSession()];
            session.append(schedule.take(System.nanoTime()));
        }
    }

    @Override
    public void close() {
        onLoop(() -> {
            closing = true;
            for (Session session : sessions) {
                session.channel.writeAndFlush(new CloseWebSocketFrame(1000, "done"));
            }
        });
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Session session : sessions) {
            if (!session.channel.closeFuture().awaitUninterruptibly(
                    Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                session.channel.close();
            }
        }
        append.release();
    }

    private void onLoop(Runnable task) {
        onLoop(() -> {
            task.run();
            return null;
        });
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> task) {
        try {
            // long: on a machine shared with other work the loop may wait for its core that long
            return loop.submit(task).get(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the load generator's event loop", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the load generator's event loop did not answer", e);
        }
    }

    /** One client session: its handshake, then the append it is told to send and the events it receives. */
    private final class Session extends ChannelInboundHandlerAdapter {

        final CompletableFuture<Void> greeted = new CompletableFuture<>();
        private final WebSocketClientHandshaker handshaker;
        volatile Channel channel;
        volatile boolean refused;
        boolean failed;

        Session(URI uri) {
            // no Origin header, as the JDK client sends none; a masked frame is written by hand (see RelayFrames)
            handshaker = WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13, "realtime", false,
                    new DefaultHttpHeaders(), MAX_MESSAGE, true, false, -1, false, false);
        }

        void append(long lateNanos) {
            if (closing || !channel.isActive()) {
                return;
            }
            if (recording) {
                lateness.add(lateNanos);
            }
            if (!channel.isWritable()) {
                if (recording) {
                    backlog++;
                }
                return;
            }
            channel.writeAndFlush(append.retainedDuplicate(), channel.voidPromise());
            appends++;
        }

        private void error() {
            errors++;
            failed = true;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            handshaker.handshake(channel);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            try {
                if (!handshaker.isHandshakeComplete()) {
                    FullHttpResponse response = (FullHttpResponse) message;
                    if (response.status().equals(HttpResponseStatus.SERVICE_UNAVAILABLE)) {
                        refused = true;
                    }
                    handshaker.finishHandshake(channel, response);
                    ctx.pipeline().addBefore(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(MAX_MESSAGE));
                } else if (message instanceof TextWebSocketFrame text) {
                    received(text.content());
                } else if (message instanceof PingWebSocketFrame ping) {
                    ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
                } else if (message instanceof CloseWebSocketFrame) {
                    if (!closing) {
                        error();
                    }
                    ctx.close();
                }
            } catch (RuntimeException e) {
                greeted.completeExceptionally(e);
                ctx.close();
            } finally {
                ReferenceCountUtil.release(message);
            }
        }

        private void received(ByteBuf text) {
            long now = System.nanoTime();
            greeted.complete(null);
            switch (RelayFrames.kind(text)) {
                case DELTA -> {
                    if (recording) {
                        latencies.add(now - RelayFrames.stamp(text));
                    }
                }
                case FALLING_BEHIND -> {
                    if (recording) {
                        fallingBehind++;
                    }
                    error();
                }
                case ERROR -> error();
                case OTHER -> {
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // a read is a moment the loop is awake anyway: what fell due meanwhile goes now, not at the next timer
            sendDue(SENDS_PER_READ);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!closing && greeted.isDone()) {
                error();
            }
            greeted.completeExceptionally(new IOException("closed before its first server event"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!closing) {
                error();
            }
            greeted.completeExceptionally(cause);
            ctx.close();
        }
    }
}
