package dev.agentmesh.gateway.realtime;

import dev.agentmesh.gateway.GatewayProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes the whole gateway may hold for its sessions: client messages being assembled from parts and messages
 * waiting in the relay's queues. Counted as the heap they may take, two bytes per character (a Java string's
 * worst case), so the bound holds whatever the text. Past it, new messages are refused instead of the heap
 * running out.
 */
@Component
final class BufferBudget {

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    @org.springframework.beans.factory.annotation.Autowired
    BufferBudget(GatewayProperties properties, MeterRegistry registry) {
        this(properties.limits().bufferBudget().toBytes());
        Gauge.builder("gateway.buffer.bytes", used, AtomicLong::get).baseUnit("bytes")
                .description("Heap held by messages being assembled or waiting in the relay's queues")
                .register(registry);
    }

    BufferBudget(long limit) {
        this.limit = limit;
    }

    /** The heap a text may take. */
    static long heapBytes(CharSequence text) {
        return 2L * text.length();
    }

    boolean tryReserve(long bytes) {
        if (used.addAndGet(bytes) > limit) {
            used.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    long used() {
        return used.get();
    }

    long limit() {
        return limit;
    }
}
