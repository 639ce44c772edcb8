package dev.agentmesh.emulator.transcription;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.agentmesh.emulator.audio.Pcm16;

/**
 * Recognises audio of phrases it was given the audio of (template matching): the input's spectral
 * envelope is aligned with each known phrase's by dynamic time warping; the closest phrase is the
 * transcript when it is close enough and clearly closer than any other phrase. Anything else is not
 * recognised: this is not speech recognition, it cannot transcribe a phrase it has not heard.
 * Thread-safe.
 */
public final class PhraseRecognizer {

    public sealed interface Result {
    }

    /** @param distance the mean alignment cost, for diagnostics */
    public record Recognized(String transcript, double distance) implements Result {
    }

    /** @param reason a sentence saying why, suitable for a client-facing error message */
    public record NotRecognized(String reason) implements Result {
    }

    /**
     * Accept when the mean frame distance along the alignment is under this and the mean over its worst 200 ms
     * under {@link #STRETCH_DISTANCE_MAX}. Chosen on the tuning phrases of {@code PhraseRecognizerTests} (simulated
     * captures and real Chromium captures with noise suppression on): a phrase stayed within 1.84 / 2.84 of
     * itself, and every other phrase was at least 2.02 times that away in the score
     * max(mean / 1.84, stretch / 2.84); the thresholds sit at the geometric midpoint (x1.42). Checked on phrases
     * not used for tuning (README).
     */
    static final double MEAN_DISTANCE_MAX = 2.6;
    static final double STRETCH_DISTANCE_MAX = 4.0;
    /** The best phrase must be this much closer than the best different phrase. */
    static final double MARGIN_RATIO = 0.8;
    /** Less speech than this (after trimming silence) is not a phrase. */
    private static final int MIN_FRAMES = 20;

    private record Template(String text, String words, Analysed envelope, boolean pinned) {
    }

    /** An envelope and its cepstra under the floor last asked for (most comparisons share one floor). */
    private static final class Analysed {

        private record Cached(double[] floor, double[][] cepstra) {
        }

        private final SpectralEnvelope envelope;
        private final int speechFrames;
        private volatile Cached cached;

        Analysed(SpectralEnvelope envelope) {
            this.envelope = envelope;
            this.speechFrames = envelope.cepstra(envelope.ownFloor()).length;
        }

        double[][] cepstra(double[] floor) {
            Cached current = cached;
            if (current != null && Arrays.equals(current.floor(), floor)) {
                return current.cepstra();
            }
            double[][] cepstra = envelope.cepstra(floor);
            cached = new Cached(floor, cepstra);
            return cepstra;
        }
    }

    private final int maxLearned;
    private final Map<String, Template> templates = new LinkedHashMap<>(16, 0.75f, true);
    private int learned;

    /** @param maxLearned how many non-pinned phrases to keep; the least recently used go first */
    public PhraseRecognizer(int maxLearned) {
        this.maxLearned = maxLearned;
    }

    /**
     * Remembers a phrase and its audio (24 kHz PCM16 mono). A phrase with the same words is kept once.
     *
     * @param pinned never forgotten (configured phrases); otherwise subject to {@code maxLearned}
     */
    public void learn(String text, byte[] pcm, boolean pinned) {
        String words = words(text);
        if (words.isEmpty()) {
            return;
        }
        Analysed envelope = new Analysed(SpectralEnvelope.of(Pcm16.toSamples(pcm)));
        if (envelope.speechFrames < MIN_FRAMES) {
            return;
        }
        synchronized (templates) {
            Template existing = templates.get(words);
            if (existing != null) {
                if (pinned && !existing.pinned()) {
                    templates.put(words, new Template(existing.text(), words, existing.envelope(), true));
                    learned--;
                }
                return;
            }
            templates.put(words, new Template(text.strip(), words, envelope, pinned));
            if (!pinned && ++learned > maxLearned) {
                forgetOldestLearned();
            }
        }
    }

    private void forgetOldestLearned() {
        var iterator = templates.values().iterator();
        while (iterator.hasNext()) {
            if (!iterator.next().pinned()) {
                iterator.remove();
                learned--;
                return;
            }
        }
    }

    /** @param pcm 24 kHz PCM16 mono, silence around the phrase allowed */
    public Result recognize(byte[] pcm) {
        Analysed input = new Analysed(SpectralEnvelope.of(Pcm16.toSamples(pcm)));
        if (input.speechFrames < MIN_FRAMES) {
            return new NotRecognized("The audio holds no speech long enough to be a phrase.");
        }
        Template best = null;
        DynamicTimeWarping.Alignment bestAlignment = DynamicTimeWarping.Alignment.NONE;
        double secondMean = Double.POSITIVE_INFINITY;
        for (Template template : snapshot()) {
            DynamicTimeWarping.Alignment alignment = align(input, template.envelope());
            if (alignment.mean() < bestAlignment.mean()) {
                secondMean = bestAlignment.mean();
                best = template;
                bestAlignment = alignment;
            } else if (alignment.mean() < secondMean) {
                secondMean = alignment.mean();
            }
        }
        if (best == null || score(bestAlignment) >= 1) {
            return new NotRecognized("The audio does not match any phrase the emulator knows.");
        }
        if (bestAlignment.mean() >= MARGIN_RATIO * secondMean) {
            return new NotRecognized("The audio is about equally close to more than one phrase the emulator knows.");
        }
        synchronized (templates) {
            templates.get(best.words()); // access order: a phrase heard again is forgotten last
        }
        return new Recognized(best.text(), bestAlignment.mean());
    }

    /** Under 1 is a match: how far the alignment is towards either threshold. */
    static double score(DynamicTimeWarping.Alignment alignment) {
        return Math.max(alignment.mean() / MEAN_DISTANCE_MAX, alignment.worstStretch() / STRETCH_DISTANCE_MAX);
    }

    private static DynamicTimeWarping.Alignment align(Analysed input, Analysed template) {
        // lengths under each one's own floor are a cheap first check; the common floor only shortens both
        double ratio = (double) Math.max(input.speechFrames, template.speechFrames)
                / Math.max(1, Math.min(input.speechFrames, template.speechFrames));
        if (ratio > 2 * DynamicTimeWarping.MAX_LENGTH_RATIO) {
            return DynamicTimeWarping.Alignment.NONE;
        }
        double[] floor = SpectralEnvelope.commonFloor(input.envelope, template.envelope);
        return DynamicTimeWarping.align(input.cepstra(floor), template.cepstra(floor));
    }

    private List<Template> snapshot() {
        synchronized (templates) {
            return new ArrayList<>(templates.values());
        }
    }

    /** For tuning and diagnostics: the alignment with every known phrase, in learning order. */
    Map<String, DynamicTimeWarping.Alignment> alignments(byte[] pcm) {
        Analysed input = new Analysed(SpectralEnvelope.of(Pcm16.toSamples(pcm)));
        Map<String, DynamicTimeWarping.Alignment> alignments = new LinkedHashMap<>();
        for (Template template : snapshot()) {
            alignments.put(template.text(), align(input, template.envelope()));
        }
        return alignments;
    }

    /** Lower case letters, digits and apostrophes, single spaces: "Hello!" and "hello." are the same phrase. */
    static String words(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}' ]+", " ").replaceAll("\\s+", " ").strip();
    }
}
