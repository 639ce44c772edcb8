package dev.agentmesh.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/**
 * A latency distribution from raw nanosecond samples (sorted, no bucketing): count, p50, p90, p99 and max in
 * milliseconds, plus the failures that are counted beside it and never enter the distribution.
 */
record Samples(int count, int failures, double p50, double p90, double p99, double max) {

    static Samples of(long[] nanos, int failures) {
        if (nanos.length == 0) {
            return new Samples(0, failures, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new Samples(sorted.length, failures, ms(at(sorted, 0.50)), ms(at(sorted, 0.90)), ms(at(sorted, 0.99)),
                ms(sorted[sorted.length - 1]));
    }

    /** Nearest-rank percentile. */
    private static long at(long[] sorted, double quantile) {
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }

    static String fmt(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, value >= 100 ? "%.0f" : "%.2f", value);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "n=%d failed=%d p50=%s p90=%s p99=%s max=%s ms", count, failures, fmt(p50),
                fmt(p90), fmt(p99), fmt(max));
    }

    /** A growable, thread-confined array of samples. */
    static final class Recorder {
        private long[] values = new long[1024];
        private int size;

        void add(long nanos) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = nanos;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }

        int size() {
            return size;
        }
    }
}
