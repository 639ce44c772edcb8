package dev.agentmesh.gateway.access;

/**
 * A token bucket: {@code perSecond} units sustained, {@code capacity} at once. Counts events, bytes or tasks.
 * Not thread-safe: callers that share one (a client's sessions) synchronise on it.
 */
public final class TokenBucket {

    private final double perNano;
    private final double capacity;
    private double tokens;
    private long last;

    public TokenBucket(double perSecond, double capacity) {
        this.perNano = perSecond / 1e9;
        this.capacity = capacity;
        this.tokens = capacity;
        this.last = System.nanoTime();
    }

    /** Takes one unit if there is one. */
    public boolean tryAcquire() {
        return tryAcquire(1);
    }

    /** Takes {@code units} if that many are there; takes nothing otherwise. */
    public boolean tryAcquire(long units) {
        refill();
        if (tokens >= units) {
            tokens -= units;
            return true;
        }
        return false;
    }

    /** True when the bucket has refilled completely: whoever owns it has been quiet for a while. */
    public boolean full() {
        refill();
        return tokens >= capacity;
    }

    private void refill() {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - last) * perNano);
        last = now;
    }
}
