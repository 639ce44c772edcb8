package dev.agentmesh.gateway.realtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes text messages to one peer in order, from one virtual thread, so that a slow peer never blocks the
 * thread that produced the message. What waits is bounded in bytes: past the bound the channel stops taking
 * messages, sends one last message (an error event) and then closes the session.
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
    private final Sender sender;
    private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean accepting = new AtomicBoolean(true);
    private volatile Runnable afterLast = () -> { };
    private volatile Runnable onFailure = () -> { };

    OutboundChannel(String name, long limitBytes, Sender sender) {
        this.name = name;
        this.limitBytes = limitBytes;
        this.sender = sender;
    }

    /** Starts the writer; {@code onFailure} runs once if the peer cannot be written to. */
    OutboundChannel start(Runnable onFailure) {
        this.onFailure = onFailure;
        Thread.ofVirtual().name("relay-" + name).start(this::drain);
        return this;
    }

    /**
     * Queues a message. Returns false when the channel is full or finished; a full channel stays full, and the
     * caller is expected to {@link #finish} it with an error.
     */
    boolean offer(String message) {
        if (!accepting.get()) {
            return false;
        }
        long size = message.length();
        if (queuedBytes.addAndGet(size) > limitBytes) {
            queuedBytes.addAndGet(-size);
            return false;
        }
        queue.add(message);
        return true;
    }

    /**
     * Stops taking messages. What is queued is dropped when {@code dropQueued}, else still written; then
     * {@code last} (may be null) is written and {@code then} runs.
     */
    void finish(String last, boolean dropQueued, Runnable then) {
        if (!accepting.compareAndSet(true, false)) {
            return;
        }
        if (dropQueued) {
            queue.clear();
            queuedBytes.set(0);
        }
        afterLast = then;
        if (last != null) {
            queue.add(last);
        }
        queue.add(END);
    }

    /** Messages waiting to be written. */
    int depth() {
        return queue.size();
    }

    boolean isOpen() {
        return accepting.get();
    }

    private void drain() {
        try {
            while (true) {
                String message = queue.take();
                if (message == END) {
                    break;
                }
                queuedBytes.addAndGet(-message.length());
                try {
                    sender.send(message);
                } catch (Exception e) {
                    log.debug("Channel {} could not write: {}", name, e.toString());
                    accepting.set(false);
                    queue.clear();
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
