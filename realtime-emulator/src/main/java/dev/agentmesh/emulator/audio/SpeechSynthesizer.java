package dev.agentmesh.emulator.audio;

/** Text to 16-bit signed little-endian PCM, 24 kHz, mono: the API's {@code audio/pcm} output format. */
public interface SpeechSynthesizer extends AutoCloseable {

    int SAMPLE_RATE = 24_000;
    int BYTES_PER_MS = SAMPLE_RATE * 2 / 1000;

    byte[] synthesize(String text);

    /** Releases engine resources (FreeTTS keeps an output thread per voice). */
    @Override
    default void close() {
    }

    /** FreeTTS when it loads, otherwise the synthetic voice; never fails. */
    static SpeechSynthesizer bestAvailable() {
        return new FallbackSynthesizer(FreeTtsSynthesizer::new, new SyntheticVoice());
    }
}
