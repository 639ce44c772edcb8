package dev.agentmesh.emulator.audio;

/** Helpers for 16-bit signed little-endian mono PCM. */
public final class Pcm16 {

    private Pcm16() {
    }

    public static short[] toSamples(byte[] pcm) {
        short[] samples = new short[pcm.length / 2];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) ((pcm[2 * i] & 0xff) | (pcm[2 * i + 1] << 8));
        }
        return samples;
    }

    public static byte[] toBytes(short[] samples) {
        byte[] pcm = new byte[samples.length * 2];
        for (int i = 0; i < samples.length; i++) {
            pcm[2 * i] = (byte) samples[i];
            pcm[2 * i + 1] = (byte) (samples[i] >> 8);
        }
        return pcm;
    }

    /** Root mean square of the samples, 0 (silence) to 1 (full scale). */
    public static double rms(short[] samples, int from, int to) {
        if (to <= from) {
            return 0;
        }
        double sum = 0;
        for (int i = from; i < to; i++) {
            double normalised = samples[i] / 32768.0;
            sum += normalised * normalised;
        }
        return Math.sqrt(sum / (to - from));
    }

    static byte[] toLittleEndian(byte[] pcm, boolean bigEndian) {
        if (!bigEndian) {
            return pcm;
        }
        byte[] swapped = new byte[pcm.length - pcm.length % 2];
        for (int i = 0; i + 1 < pcm.length; i += 2) {
            swapped[i] = pcm[i + 1];
            swapped[i + 1] = pcm[i];
        }
        return swapped;
    }

    /** Linear-interpolation resampling; good enough for speech going to a speaker. */
    static byte[] resample(byte[] pcm, int fromRate, int toRate) {
        if (fromRate == toRate) {
            return pcm;
        }
        short[] in = toSamples(pcm);
        if (in.length == 0) {
            return new byte[0];
        }
        int outLength = (int) ((long) in.length * toRate / fromRate);
        short[] out = new short[outLength];
        for (int i = 0; i < outLength; i++) {
            double position = (double) i * fromRate / toRate;
            int left = (int) position;
            int right = Math.min(left + 1, in.length - 1);
            double fraction = position - left;
            out[i] = (short) Math.round(in[left] * (1 - fraction) + in[right] * fraction);
        }
        return toBytes(out);
    }
}
