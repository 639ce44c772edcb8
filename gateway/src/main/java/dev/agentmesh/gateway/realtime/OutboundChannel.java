package dev.agentmesh.gateway.realtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes text messages to one peer in order, from one virtual thread, so that a slow peer never blocks the
 * thread that produced the message. What waits is bounded in bytes (heap bytes, see {@link BufferBudget}), per
 * channel and by the gateway-wide budget: past either bound the channel stops taking messages, sends one last
 * message (an error event) and then closes the session.
 */
final class OutboundChannel {

    /** Sends one message and returns when the peer has taken it. */
    @FunctionalInterface
    interface Sender {
        void send(String message) throws Exception;
    }

    private static final Logger log = LoggerFactory.getLogger(OutboundChannel.class);
    private static final String END = new String("end-of-channel");

    private final String name;
    private final long limitBytes;
    private final BufferBudget budget;
    private final Sender sender;
    private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final AtomicBoolean accepting = new AtomicBoolean(true);
    private long queuedBytes;
    /** The channel's farewell, written after the bound was hit: it holds no reservation. */
    private volatile String last;
    private volatile Runnable afterLast = () -> { };
    private volatile Runnable onFailure = () -> { };

    OutboundChannel(String name, long limitBytes, BufferBudget budget, Sender sender) {
        this.name = name;
        this.limitBytes = limitBytes;
        this.budget = budget;
        this.sender = sender;
    }

    /** Starts the writer; {@code onFailure} runs once if the peer cannot be written to. */
    OutboundChannel start(Runnable onFailure) {
        this.onFailure = onFailure;
        Thread.ofVirtual().name("relay-" + name).start(this::drain);
        return this;
    }

    /**
     * Queues a message. Returns false when the channel is full or finished, or the gateway's budget is spent; a
     * full channel stays full, and the caller is expected to {@link #finish} it with an error.
     */
    boolean offer(String message) {
        long size = BufferBudget.heapBytes(message);
        synchronized (this) {
            if (!accepting.get() || queuedBytes + size > limitBytes || !budget.tryReserve(size)) {
                return false;
            }
            queuedBytes += size;
            queue.add(message);
        }
        return true;
    }

    /**
     * Stops taking messages. What is queued is dropped when {@code dropQueued}, else still written; then
     * {@code last} (may be null) is written and {@code then} runs.
     */
    void finish(String last, boolean dropQueued, Runnable then) {
        synchronized (this) {
            if (!accepting.compareAndSet(true, false)) {
                return;
            }
            if (dropQueued) {
                dropQueued();
            }
            afterLast = then;
            if (last != null) {
                this.last = last;
                queue.add(last);
            }
            queue.add(END);
        }
    }

    /** Messages waiting to be written. */
    int depth() {
        return queue.size();
    }

    boolean isOpen() {
        return accepting.get();
    }

    /**
     * Empties the queue and gives the bytes of what it removed back to the budget (a message the writer has just
     * taken gives back its own); the farewell and the end marker stay. Caller holds the lock.
     */
    private void dropQueued() {
        java.util.List<String> kept = new java.util.ArrayList<>(2);
        long dropped = 0;
        String message;
        while ((message = queue.poll()) != null) {
            if (message == END || message == last) {
                kept.add(message);
            } else {
                dropped += BufferBudget.heapBytes(message);
            }
        }
        queue.addAll(kept);
        queuedBytes -= dropped;
        budget.release(dropped);
    }

    private void released(String message) {
        if (message == last) {
            return;
        }
        long size = BufferBudget.heapBytes(message);
        synchronized (this) {
            queuedBytes -= size;
            budget.release(size);
        }
    }

    private void drain() {
        try {
            while (true) {
                String message = queue.take();
                if (message == END) {
                    break;
                }
                released(message);
                try {
                    sender.send(message);
                } catch (Exception e) {
                    log.debug("Channel {} could not write: {}", name, e.toString());
                    synchronized (this) {
                        accepting.set(false);
                        dropQueued();
                    }
                    onFailure.run();
                    return;
                }
            }
            afterLast.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
