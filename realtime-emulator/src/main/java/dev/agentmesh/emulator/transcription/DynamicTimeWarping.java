package dev.agentmesh.emulator.transcription;

import java.util.Arrays;

/**
 * The cheapest monotonic alignment of two cepstral sequences (steps: both advance, or one of them) within a
 * band around the diagonal, so that a phrase cannot match another by stretching one syllable over half of it.
 * Reports the mean frame distance along the alignment and the mean over its worst stretch: a phrase that
 * shares most of its sound with another ("I like Lyon." and "I live in Lyon.") is close on average, but not
 * where it differs.
 */
final class DynamicTimeWarping {

    /** Sequences whose lengths differ by more than this factor are not the same phrase. */
    static final double MAX_LENGTH_RATIO = 1.5;
    /** About 200 ms of alignment steps. */
    static final int STRETCH_STEPS = 20;
    private static final double BAND = 0.15;

    /** @param mean mean frame distance; @param worstStretch highest mean over {@link #STRETCH_STEPS} steps */
    record Alignment(double mean, double worstStretch) {

        static final Alignment NONE = new Alignment(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    private DynamicTimeWarping() {
    }

    static Alignment align(double[][] a, double[][] b) {
        int n = a.length;
        int m = b.length;
        if (n == 0 || m == 0 || Math.max(n, m) > MAX_LENGTH_RATIO * Math.min(n, m)) {
            return Alignment.NONE;
        }
        int radius = Math.max(4, (int) Math.ceil(BAND * Math.max(n, m)));
        int width = 2 * radius + 1;
        double[][] cost = new double[n + 1][];
        double[][] local = new double[n + 1][];
        byte[][] step = new byte[n + 1][];
        int[] offset = new int[n + 1];
        cost[0] = new double[width];
        Arrays.fill(cost[0], Double.POSITIVE_INFINITY);
        offset[0] = -radius;
        cost[0][radius] = 0;
        for (int i = 1; i <= n; i++) {
            offset[i] = (int) Math.round((double) i * m / n) - radius;
            cost[i] = new double[width];
            local[i] = new double[width];
            step[i] = new byte[width];
            Arrays.fill(cost[i], Double.POSITIVE_INFINITY);
            for (int k = 0; k < width; k++) {
                int j = offset[i] + k;
                if (j < 1 || j > m) {
                    continue;
                }
                double diagonal = at(cost, offset, i - 1, j - 1);
                double up = at(cost, offset, i - 1, j);
                double left = k > 0 ? cost[i][k - 1] : Double.POSITIVE_INFINITY;
                double best = diagonal;
                byte move = 0;
                if (up < best) {
                    best = up;
                    move = 1;
                }
                if (left < best) {
                    best = left;
                    move = 2;
                }
                if (best == Double.POSITIVE_INFINITY) {
                    continue;
                }
                local[i][k] = frameDistance(a[i - 1], b[j - 1]);
                cost[i][k] = best + local[i][k];
                step[i][k] = move;
            }
        }
        if (at(cost, offset, n, m) == Double.POSITIVE_INFINITY) {
            return Alignment.NONE;
        }
        double[] path = new double[n + m];
        int length = 0;
        for (int i = n, j = m; i >= 1 && j >= 1; ) {
            int k = j - offset[i];
            path[length++] = local[i][k];
            switch (step[i][k]) {
                case 0 -> { i--; j--; }
                case 1 -> i--;
                default -> j--;
            }
        }
        double total = 0;
        for (int s = 0; s < length; s++) {
            total += path[s];
        }
        int window = Math.min(STRETCH_STEPS, length);
        double sum = 0;
        double worst = 0;
        for (int s = 0; s < length; s++) {
            sum += path[s];
            if (s >= window) {
                sum -= path[s - window];
            }
            if (s >= window - 1) {
                worst = Math.max(worst, sum / window);
            }
        }
        return new Alignment(total / length, worst);
    }

    private static double at(double[][] cost, int[] offset, int i, int j) {
        int k = j - offset[i];
        return k < 0 || k >= cost[i].length ? Double.POSITIVE_INFINITY : cost[i][k];
    }

    private static double frameDistance(double[] x, double[] y) {
        double sum = 0;
        for (int k = 0; k < x.length; k++) {
            double d = x[k] - y[k];
            sum += d * d;
        }
        return Math.sqrt(sum);
    }
}
