package dev.agentmesh.emulator.audio;

import java.util.Locale;

/**
 * A clearly synthetic, speech-like signal: one voiced segment per syllable (a 120 Hz harmonic series
 * shaped by two vowel formants, with an attack/decay envelope), pauses between words and sentences.
 * Used only when FreeTTS cannot load.
 */
final class SyntheticVoice implements SpeechSynthesizer {

    private static final double PITCH_HZ = 120;
    private static final int SYLLABLE_MS = 170;
    private static final int WORD_GAP_MS = 60;
    private static final int SENTENCE_GAP_MS = 250;

    @Override
    public byte[] synthesize(String text) {
        StringBuilder plan = new StringBuilder();
        for (String word : text.toLowerCase(Locale.ROOT).split("\\s+")) {
            plan.append(vowelsOf(word)).append(word.matches(".*[.!?,;:]$") ? '|' : ' ');
        }
        int totalMs = 0;
        for (char step : plan.toString().toCharArray()) {
            totalMs += durationMs(step);
        }
        short[] samples = new short[totalMs * SAMPLE_RATE / 1000];
        int offset = 0;
        for (char step : plan.toString().toCharArray()) {
            int length = durationMs(step) * SAMPLE_RATE / 1000;
            if (Character.isLetter(step)) {
                syllable(samples, offset, Math.min(length, samples.length - offset), step);
            }
            offset += length;
        }
        return Pcm16.toBytes(samples);
    }

    private static String vowelsOf(String word) {
        StringBuilder vowels = new StringBuilder();
        boolean previousVowel = false;
        for (char c : word.toCharArray()) {
            boolean vowel = "aeiouy".indexOf(c) >= 0;
            if (vowel && !previousVowel) {
                vowels.append(c);
            }
            previousVowel = vowel;
        }
        return vowels.isEmpty() && word.chars().anyMatch(Character::isLetterOrDigit) ? "a" : vowels.toString();
    }

    private static int durationMs(char step) {
        return switch (step) {
            case ' ' -> WORD_GAP_MS;
            case '|' -> SENTENCE_GAP_MS;
            default -> SYLLABLE_MS;
        };
    }

    private static void syllable(short[] samples, int offset, int length, char vowel) {
        double[] formants = switch (vowel) {
            case 'a' -> new double[] {730, 1090};
            case 'e' -> new double[] {530, 1840};
            case 'i', 'y' -> new double[] {270, 2290};
            case 'o' -> new double[] {570, 840};
            default -> new double[] {300, 870};
        };
        int harmonics = (int) (3500 / PITCH_HZ);
        double[] gains = new double[harmonics + 1];
        for (int h = 1; h <= harmonics; h++) {
            double frequency = h * PITCH_HZ;
            for (double formant : formants) {
                double distance = (frequency - formant) / 90;
                gains[h] += 1 / (1 + distance * distance);
            }
        }
        for (int i = 0; i < length; i++) {
            double t = (double) i / SAMPLE_RATE;
            double position = (double) i / length;
            double envelope = Math.min(1, position * 8) * Math.min(1, (1 - position) * 4);
            double pitch = PITCH_HZ * (1 + 0.08 * Math.sin(Math.PI * position));
            double value = 0;
            for (int h = 1; h <= harmonics; h++) {
                value += gains[h] * Math.sin(2 * Math.PI * h * pitch * t);
            }
            samples[offset + i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, value * envelope * 5000));
        }
    }
}
