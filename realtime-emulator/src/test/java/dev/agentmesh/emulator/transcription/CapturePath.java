package dev.agentmesh.emulator.transcription;

import java.util.Random;

import dev.agentmesh.emulator.audio.Pcm16;

/**
 * What happens to audio between a speaker and the emulator when a browser captures it: the page's
 * AudioContext runs at 48 kHz and its worklet averages pairs of samples down to 24 kHz PCM16; the level
 * changes; silence and a little noise surround and overlay the speech.
 */
final class CapturePath {

    private short[] samples;

    private CapturePath(short[] samples) {
        this.samples = samples;
    }

    static CapturePath of(byte[] pcm) {
        return new CapturePath(Pcm16.toSamples(pcm));
    }

    /** 24 kHz to 48 kHz by linear interpolation, then the capture worklet's box filter back to 24 kHz. */
    CapturePath throughA48kHzBrowser() {
        double[] up = new double[samples.length * 2];
        for (int i = 0; i < samples.length; i++) {
            double next = i + 1 < samples.length ? samples[i + 1] : samples[i];
            up[2 * i] = samples[i];
            up[2 * i + 1] = (samples[i] + next) / 2;
        }
        // the worklet's phase is arbitrary: start averaging at an odd sample
        short[] down = new short[samples.length - 1];
        for (int i = 0; i < down.length; i++) {
            down[i] = clip((up[2 * i + 1] + up[2 * i + 2]) / 2);
        }
        samples = down;
        return this;
    }

    CapturePath gain(double factor) {
        for (int i = 0; i < samples.length; i++) {
            samples[i] = clip(samples[i] * factor);
        }
        return this;
    }

    /** A gain that drifts slowly between {@code low} and {@code high}, as automatic gain control does. */
    CapturePath driftingGain(double low, double high, double periodSeconds) {
        for (int i = 0; i < samples.length; i++) {
            double phase = 2 * Math.PI * i / (periodSeconds * 24_000);
            samples[i] = clip(samples[i] * (low + (high - low) * (0.5 + 0.5 * Math.sin(phase))));
        }
        return this;
    }

    CapturePath silence(int leadingMs, int trailingMs) {
        short[] padded = new short[samples.length + (leadingMs + trailingMs) * 24];
        System.arraycopy(samples, 0, padded, leadingMs * 24, samples.length);
        samples = padded;
        return this;
    }

    /** White noise at this RMS level in dBFS over the whole signal, silence included. */
    CapturePath noise(double dbfs, long seed) {
        Random random = new Random(seed);
        double rms = 32768 * Math.pow(10, dbfs / 20);
        for (int i = 0; i < samples.length; i++) {
            samples[i] = clip(samples[i] + random.nextGaussian() * rms);
        }
        return this;
    }

    /** White noise over everything, this many dB under the level of the speech (its 20 ms frames within 30 dB of the loudest). */
    CapturePath noiseAtSnr(double snrDb, long seed) {
        return noise(speechDbfs() - snrDb, seed);
    }

    double speechDbfs() {
        int frame = 480;
        double loudest = 0;
        for (int i = 0; i + frame <= samples.length; i += frame) {
            loudest = Math.max(loudest, Pcm16.rms(samples, i, i + frame));
        }
        double sum = 0;
        int frames = 0;
        for (int i = 0; i + frame <= samples.length; i += frame) {
            double rms = Pcm16.rms(samples, i, i + frame);
            if (rms > loudest / 31.6) {
                sum += rms * rms;
                frames++;
            }
        }
        return 10 * Math.log10(sum / Math.max(1, frames));
    }

    byte[] pcm() {
        return Pcm16.toBytes(samples);
    }

    static byte[] randomNoise(int ms, double dbfs, long seed) {
        return new CapturePath(new short[ms * 24]).noise(dbfs, seed).pcm();
    }

    private static short clip(double value) {
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(value)));
    }
}
