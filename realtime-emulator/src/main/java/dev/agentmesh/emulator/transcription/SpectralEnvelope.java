package dev.agentmesh.emulator.transcription;

import java.util.Arrays;

/**
 * The spectral envelope of 24 kHz speech: log mel band energies per 10 ms (25 ms Hamming windows), relative
 * to the loudest band energy of the utterance, and the per-band level of its background. Two envelopes are
 * compared as mel cepstra computed under a common floor ({@link #cepstra}). What a browser's capture path does
 * to audio is kept out of the comparison:
 * <ul>
 * <li>volume: levels are relative to the utterance's loudest, and the cepstrum's energy term (c0) is dropped,
 * so neither a fixed nor a slowly drifting gain (automatic gain control) changes anything;</li>
 * <li>resampling to 48 kHz and back, mild filtering: only 125 Hz – 6.8 kHz is looked at, and the per-utterance
 * mean of each coefficient is subtracted (cepstral mean normalisation);</li>
 * <li>silence and noise: each band is floored just over the louder of the two utterances' backgrounds, so
 * digital silence and noise look alike, and frames at either end that do not rise over the floor are cut;</li>
 * <li>noise suppression: only the top 17 dB of each frame's spectrum is compared.</li>
 * </ul>
 */
final class SpectralEnvelope {

    static final int SAMPLE_RATE = 24_000;
    static final int FRAME_MS = 10;
    static final int COEFFICIENTS = 12;

    private static final double DELTA_WEIGHT = 2.0;
    private static final int HOP = SAMPLE_RATE * FRAME_MS / 1000;
    private static final int WINDOW = 600;
    private static final int FFT_SIZE = 1024;
    private static final int BANDS = 26;
    private static final double LOW_HZ = 125;
    private static final double HIGH_HZ = 6800;
    private static final double DB = Math.log(10) / 10;
    /** The lowest floor, under the loudest band energy; quieter detail is not compared. */
    private static final double DEEPEST_FLOOR = -45 * DB;
    /** The floor sits this far over the background estimate (a low percentile of each band). */
    private static final double OVER_BACKGROUND = 8 * DB;
    private static final double BACKGROUND_PERCENTILE = 0.1;
    /** A frame at either end is speech when it rises this far over the floor in total. */
    private static final double SPEECH_OVER_FLOOR = 6 * DB;
    /**
     * Each frame is also floored this far under its own loudest band: noise suppression (Chromium's, on by
     * default for getUserMedia) attenuates steady stretches of the voice unevenly across bands, which changes
     * the depth of spectral valleys far more than the peaks. 17 dB separated the tuning phrases best (12–20 dB tried).
     */
    private static final double FRAME_RANGE = 17 * DB;
    private static final double[] HAMMING = new double[WINDOW];
    private static final double[][] MEL_FILTERS = melFilters();
    private static final double[][] DCT = dct();

    static {
        for (int i = 0; i < WINDOW; i++) {
            HAMMING[i] = 0.54 - 0.46 * Math.cos(2 * Math.PI * i / (WINDOW - 1));
        }
    }

    /** Natural-log band energies relative to the loudest, [frame][band]; empty for digital silence. */
    private final double[][] logBands;
    /** Per band, where the floor goes for this utterance alone. */
    private final double[] floor;

    private SpectralEnvelope(double[][] logBands, double[] floor) {
        this.logBands = logBands;
        this.floor = floor;
    }

    static SpectralEnvelope of(short[] samples) {
        int frames = samples.length < WINDOW ? 0 : 1 + (samples.length - WINDOW) / HOP;
        double[][] bands = new double[frames][];
        double loudest = 0;
        for (int f = 0; f < frames; f++) {
            bands[f] = melEnergies(samples, f * HOP);
            for (double energy : bands[f]) {
                loudest = Math.max(loudest, energy);
            }
        }
        if (loudest <= 0) {
            return new SpectralEnvelope(new double[0][], new double[BANDS]);
        }
        double lowest = loudest * 1e-12;
        for (double[] frame : bands) {
            for (int b = 0; b < BANDS; b++) {
                frame[b] = Math.log(Math.max(frame[b], lowest) / loudest);
            }
        }
        double[] floor = new double[BANDS];
        double[] column = new double[frames];
        for (int b = 0; b < BANDS; b++) {
            for (int f = 0; f < frames; f++) {
                column[f] = bands[f][b];
            }
            Arrays.sort(column);
            floor[b] = Math.max(DEEPEST_FLOOR, column[(int) (BACKGROUND_PERCENTILE * (frames - 1))] + OVER_BACKGROUND);
        }
        return new SpectralEnvelope(bands, floor);
    }

    int frames() {
        return logBands.length;
    }

    /** The floor to compare two utterances under: per band, the higher of the two. */
    static double[] commonFloor(SpectralEnvelope a, SpectralEnvelope b) {
        double[] common = new double[BANDS];
        for (int band = 0; band < BANDS; band++) {
            common[band] = Math.max(a.floor[band], b.floor[band]);
        }
        return common;
    }

    double[] ownFloor() {
        return floor.clone();
    }

    /**
     * Mean-normalised mel cepstra (c1..c12) of the frames between the first and the last that rise over the
     * floor; one row per 10 ms. Empty when nothing rises over it.
     */
    double[][] cepstra(double[] floor) {
        int frames = logBands.length;
        double floorTotal = 0;
        for (double level : floor) {
            floorTotal += Math.exp(level);
        }
        double threshold = Math.log(floorTotal) + SPEECH_OVER_FLOOR;
        int first = 0;
        while (first < frames && logTotal(logBands[first], floor) < threshold) {
            first++;
        }
        int last = frames - 1;
        while (last >= first && logTotal(logBands[last], floor) < threshold) {
            last--;
        }
        if (last < first) {
            return new double[0][];
        }
        double[][] cepstra = new double[last - first + 1][];
        double[] mean = new double[COEFFICIENTS];
        double[] floored = new double[BANDS];
        for (int f = first; f <= last; f++) {
            double frameMax = Double.NEGATIVE_INFINITY;
            for (int b = 0; b < BANDS; b++) {
                frameMax = Math.max(frameMax, logBands[f][b]);
            }
            for (int b = 0; b < BANDS; b++) {
                floored[b] = softMax(logBands[f][b], Math.max(floor[b], frameMax - FRAME_RANGE));
            }
            double[] c = new double[COEFFICIENTS];
            for (int k = 0; k < COEFFICIENTS; k++) {
                double sum = 0;
                for (int b = 0; b < BANDS; b++) {
                    sum += DCT[k][b] * floored[b];
                }
                c[k] = sum;
                mean[k] += sum;
            }
            cepstra[f - first] = c;
        }
        for (double[] c : cepstra) {
            for (int k = 0; k < COEFFICIENTS; k++) {
                c[k] -= mean[k] / cepstra.length;
            }
        }
        return withDeltas(cepstra);
    }

    /** Appends each coefficient's slope over +-2 frames (regression), which describes transitions. */
    private static double[][] withDeltas(double[][] cepstra) {
        int n = cepstra.length;
        double[][] out = new double[n][2 * COEFFICIENTS];
        for (int f = 0; f < n; f++) {
            System.arraycopy(cepstra[f], 0, out[f], 0, COEFFICIENTS);
            for (int k = 0; k < COEFFICIENTS; k++) {
                double slope = 0;
                for (int d = 1; d <= 2; d++) {
                    slope += d * (cepstra[Math.min(n - 1, f + d)][k] - cepstra[Math.max(0, f - d)][k]);
                }
                out[f][COEFFICIENTS + k] = DELTA_WEIGHT * slope / 10;
            }
        }
        return out;
    }

    private static double logTotal(double[] frame, double[] floor) {
        double total = 0;
        for (int b = 0; b < BANDS; b++) {
            total += Math.exp(frame[b]) + Math.exp(floor[b]);
        }
        return Math.log(total);
    }

    /** log(e^a + e^b): the floor is added like a noise of that level, so levels near it change smoothly. */
    private static double softMax(double a, double b) {
        return Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)));
    }

    private static double[] melEnergies(short[] samples, int offset) {
        double[] re = new double[FFT_SIZE];
        double[] im = new double[FFT_SIZE];
        double previous = offset > 0 ? samples[offset - 1] : 0;
        for (int i = 0; i < WINDOW; i++) {
            double sample = samples[offset + i];
            re[i] = (sample - 0.97 * previous) / 32768.0 * HAMMING[i];
            previous = sample;
        }
        Fft.transform(re, im);
        double[] energies = new double[BANDS];
        for (int b = 0; b < BANDS; b++) {
            double[] filter = MEL_FILTERS[b];
            double sum = 0;
            for (int bin = 0; bin < filter.length; bin++) {
                if (filter[bin] != 0) {
                    sum += filter[bin] * (re[bin] * re[bin] + im[bin] * im[bin]);
                }
            }
            energies[b] = sum;
        }
        return energies;
    }

    private static double mel(double hz) {
        return 2595 * Math.log10(1 + hz / 700);
    }

    private static double hz(double mel) {
        return 700 * (Math.pow(10, mel / 2595) - 1);
    }

    /** Triangular filters, equally spaced on the mel scale, over the FFT's first half. */
    private static double[][] melFilters() {
        double[] edges = new double[BANDS + 2];
        for (int i = 0; i < edges.length; i++) {
            edges[i] = hz(mel(LOW_HZ) + (mel(HIGH_HZ) - mel(LOW_HZ)) * i / (BANDS + 1));
        }
        double[][] filters = new double[BANDS][FFT_SIZE / 2 + 1];
        for (int b = 0; b < BANDS; b++) {
            for (int bin = 0; bin <= FFT_SIZE / 2; bin++) {
                double frequency = (double) bin * SAMPLE_RATE / FFT_SIZE;
                double rising = (frequency - edges[b]) / (edges[b + 1] - edges[b]);
                double falling = (edges[b + 2] - frequency) / (edges[b + 2] - edges[b + 1]);
                filters[b][bin] = Math.max(0, Math.min(rising, falling));
            }
        }
        return filters;
    }

    /** DCT-II rows 1..COEFFICIENTS; row 0, the frame's energy, is left out on purpose. */
    private static double[][] dct() {
        double[][] dct = new double[COEFFICIENTS][BANDS];
        for (int k = 0; k < COEFFICIENTS; k++) {
            for (int b = 0; b < BANDS; b++) {
                dct[k][b] = Math.sqrt(2.0 / BANDS) * Math.cos(Math.PI * (k + 1) * (b + 0.5) / BANDS);
            }
        }
        return dct;
    }
}
