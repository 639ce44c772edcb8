package dev.agentmesh.gateway.realtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Writes text messages to one peer in order, with asynchronous sends, so that a slow peer never blocks the thread
 * that produced the message. The thread that offers a message to an idle channel starts its send itself (no hand-off
 * to another thread) and goes on with the queue while sends complete at once; while a send is in flight, messages
 * wait here and a virtual thread started at its completion goes on with them. What
 * waits is bounded in bytes (heap bytes, see {@link BufferBudget}), per channel and by the gateway-wide budget: past
 * either bound the channel stops taking messages, sends one last message (an error event) and then closes the
 * session. Thread-safe.
 */
final class OutboundChannel {

    /** Starts sending one message; the stage completes when the peer's socket has taken it. */
    @FunctionalInterface
    interface Sender {
        CompletionStage<?> send(String message) throws Exception;
    }

    private static final Logger log = LoggerFactory.getLogger(OutboundChannel.class);
    private static final Queued END = new Queued("end-of-channel", 0, false);
    private static final String CONTINUATION = "relay-send";

    /** A message, when it was queued, and whether it holds a reservation of the budget (notices do not). */
    private record Queued(String text, long at, boolean reserved) {
    }

    private final String name;
    private final long limitBytes;
    private final BufferBudget budget;
    private final Sender sender;
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private boolean accepting = true;
    /** True while a send is in flight or a thread is starting sends: only that thread takes from the queue. */
    private boolean writing;
    private boolean failed;
    private long queuedBytes;
    /** The channel's farewell, written after the bound was hit: it holds no reservation. */
    private Queued last;
    private Runnable afterLast = () -> { };
    private Runnable onFailure = () -> { };

    OutboundChannel(String name, long limitBytes, BufferBudget budget, Sender sender) {
        this.name = name;
        this.limitBytes = limitBytes;
        this.budget = budget;
        this.sender = sender;
    }

    /** {@code onFailure} runs once if the peer cannot be written to. */
    OutboundChannel start(Runnable onFailure) {
        synchronized (this) {
            this.onFailure = onFailure;
        }
        return this;
    }

    /**
     * Queues a message, and sends it at once when nothing else is being sent. Returns false when the channel is full
     * or finished, or the gateway's budget is spent; a full channel stays full, and the caller is expected to
     * {@link #finish} it with an error.
     */
    boolean offer(String message) {
        long size = BufferBudget.heapBytes(message);
        synchronized (this) {
            if (!accepting || queuedBytes + size > limitBytes || !budget.tryReserve(size)) {
                return false;
            }
            queuedBytes += size;
            queue.add(new Queued(message, System.nanoTime(), true));
            if (writing) {
                return true;
            }
            writing = true;
        }
        sendQueued();
        return true;
    }

    /**
     * Queues a notice ahead of everything that waits (it holds no reservation, like the farewell); false when the
     * channel is finished.
     */
    boolean offerFirst(String notice) {
        synchronized (this) {
            if (!accepting) {
                return false;
            }
            queue.addFirst(new Queued(notice, System.nanoTime(), false));
            if (writing) {
                return true;
            }
            writing = true;
        }
        sendQueued();
        return true;
    }

    /**
     * Stops taking messages. What is queued is dropped when {@code dropQueued}, else still written; then
     * {@code last} (may be null) is written and {@code then} runs.
     */
    void finish(String last, boolean dropQueued, Runnable then) {
        synchronized (this) {
            if (!accepting) {
                return;
            }
            accepting = false;
            if (dropQueued) {
                dropQueued();
            }
            afterLast = then;
            if (last != null) {
                this.last = new Queued(last, System.nanoTime(), false);
                queue.add(this.last);
            }
            queue.add(END);
            if (writing || failed) {
                return;
            }
            writing = true;
        }
        sendQueued();
    }

    /** Messages waiting to be written. */
    synchronized int depth() {
        return queue.size();
    }

    synchronized boolean isOpen() {
        return accepting;
    }

    /** How long the oldest message still waiting has waited, in nanoseconds (0 when none waits); notices aside. */
    synchronized long oldestWaitNanos(long now) {
        for (Queued queued : queue) {
            if (queued.reserved()) {
                return now - queued.at();
            }
        }
        return 0;
    }

    /**
     * Empties the queue and gives the bytes of what it removed back to the budget; the farewell and the end marker
     * stay. Caller holds the lock.
     */
    private void dropQueued() {
        long dropped = 0;
        boolean keepLast = false;
        boolean keepEnd = false;
        Queued message;
        while ((message = queue.poll()) != null) {
            if (message == END) {
                keepEnd = true;
            } else if (message == last) {
                keepLast = true;
            } else if (message.reserved()) {
                dropped += BufferBudget.heapBytes(message.text());
            }
        }
        if (keepLast) {
            queue.add(last);
        }
        if (keepEnd) {
            queue.add(END);
        }
        queuedBytes -= dropped;
        budget.release(dropped);
    }

    /**
     * Starts sends until one is still in flight (its completion calls this again) or the queue is empty. Called only
     * by the thread that set {@code writing}.
     */
    private void sendQueued() {
        while (true) {
            Queued next;
            synchronized (this) {
                next = queue.poll();
                if (next == null) {
                    writing = false;
                    return;
                }
                if (next.reserved()) {
                    long size = BufferBudget.heapBytes(next.text());
                    queuedBytes -= size;
                    budget.release(size);
                }
            }
            if (next == END) {
                afterLast.run();
                return;
            }
            CompletableFuture<?> sent;
            try {
                sent = sender.send(next.text()).toCompletableFuture();
            } catch (Exception e) {
                failed(e);
                return;
            }
            if (!sent.isDone()) {
                // Not from inside the completion: a container may still hold the socket's write permit while it
                // reports completion, and the next send would wait for it.
                sent.whenComplete((ignored, error) -> {
                    if (error != null) {
                        failed(error);
                    } else {
                        Thread.ofVirtual().name(CONTINUATION).start(this::sendQueued);
                    }
                });
                return;
            }
            if (sent.isCompletedExceptionally()) {
                sent.exceptionally(error -> {
                    failed(error);
                    return null;
                });
                return;
            }
        }
    }

    private void failed(Throwable error) {
        log.debug("Channel {} could not write: {}", name, error.toString());
        Runnable failure;
        synchronized (this) {
            accepting = false;
            failed = true;
            writing = false;
            dropQueued();
            queue.clear();
            failure = onFailure;
            onFailure = () -> { };
        }
        failure.run();
    }
}
