package dev.agentmesh.benchmarks;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * N realtime client sessions open on one URL (the upstream directly, or the gateway), ready to send audio in real
 * time and measure each delta's one-way latency: {@link RealtimeLoad} on the JDK's client, {@link NettyRealtimeLoad}
 * on Netty.
 */
interface SessionLoad extends AutoCloseable {

    /** Sessions open and greeted. */
    int connected();

    /** Sessions that did not open or were not greeted within 30 s. */
    long connectFailures();

    /**
     * Audio in real time for {@code warmup} (not recorded) then {@code measure}, also measuring the CPU time
     * {@code gatewayCpuNanos} reports (a gateway in another process; null: none).
     */
    RealtimeLoad.Result run(Duration warmup, Duration measure, LongSupplier gatewayCpuNanos) throws InterruptedException;

    @Override
    void close();
}
