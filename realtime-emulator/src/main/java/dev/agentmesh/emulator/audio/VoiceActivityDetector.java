package dev.agentmesh.emulator.audio;

import java.util.ArrayList;
import java.util.List;

/**
 * Energy-based voice activity detection over 24 kHz PCM16 in 20 ms frames. Speech starts after two loud
 * frames in a row and stops after {@code silenceDurationMs} of quiet frames. Times are milliseconds since
 * the first audio this detector saw, as in the API's {@code audio_start_ms}/{@code audio_end_ms}.
 */
public final class VoiceActivityDetector {

    public sealed interface Event {
    }

    /** @param audioStartMs where the speech began, moved back by the prefix padding */
    public record SpeechStarted(long audioStartMs) implements Event {
    }

    /** @param audioEndMs where the last loud frame ended; {@code committedUpToMs} where the turn is cut */
    public record SpeechStopped(long audioEndMs, long committedUpToMs) implements Event {
    }

    private static final int FRAME_MS = 20;
    private static final int FRAME_BYTES = FRAME_MS * SpeechSynthesizer.BYTES_PER_MS;
    private static final int LOUD_FRAMES_TO_START = 2;

    private final double rmsThreshold;
    private final int prefixPaddingMs;
    private final int silenceDurationMs;
    private final byte[] partialFrame = new byte[FRAME_BYTES];
    private int partialLength;
    private long positionMs;
    private boolean speaking;
    private int loudFrames;
    private long firstLoudMs;
    private long lastLoudEndMs;

    /**
     * @param threshold the API's 0..1 {@code threshold}; 0.5 maps to about -35 dBFS
     */
    public VoiceActivityDetector(double threshold, int prefixPaddingMs, int silenceDurationMs) {
        this(threshold, prefixPaddingMs, silenceDurationMs, 0);
    }

    /** @param startPositionMs where on the session's audio clock this detector starts (after a settings change) */
    public VoiceActivityDetector(double threshold, int prefixPaddingMs, int silenceDurationMs, long startPositionMs) {
        this.positionMs = startPositionMs;
        double clamped = Math.max(0, Math.min(1, threshold));
        this.rmsThreshold = Math.pow(10, (-55 + 40 * clamped) / 20);
        this.prefixPaddingMs = Math.max(0, prefixPaddingMs);
        this.silenceDurationMs = Math.max(FRAME_MS, silenceDurationMs);
    }

    public boolean speaking() {
        return speaking;
    }

    public long positionMs() {
        return positionMs;
    }

    public List<Event> accept(byte[] pcm) {
        List<Event> events = new ArrayList<>();
        int offset = 0;
        while (offset < pcm.length) {
            int take = Math.min(FRAME_BYTES - partialLength, pcm.length - offset);
            System.arraycopy(pcm, offset, partialFrame, partialLength, take);
            partialLength += take;
            offset += take;
            if (partialLength == FRAME_BYTES) {
                frame(events);
                partialLength = 0;
            }
        }
        return events;
    }

    private void frame(List<Event> events) {
        short[] samples = Pcm16.toSamples(partialFrame);
        boolean loud = Pcm16.rms(samples, 0, samples.length) >= rmsThreshold;
        long frameStart = positionMs;
        positionMs += FRAME_MS;
        if (loud) {
            if (loudFrames == 0) {
                firstLoudMs = frameStart;
            }
            loudFrames++;
            lastLoudEndMs = positionMs;
            if (!speaking && loudFrames >= LOUD_FRAMES_TO_START) {
                speaking = true;
                events.add(new SpeechStarted(Math.max(0, firstLoudMs - prefixPaddingMs)));
            }
        } else {
            if (!speaking) {
                loudFrames = 0;
            } else if (positionMs - lastLoudEndMs >= silenceDurationMs) {
                speaking = false;
                loudFrames = 0;
                events.add(new SpeechStopped(lastLoudEndMs, positionMs));
            }
        }
    }

    /** Forget any speech in progress (after {@code input_audio_buffer.clear}); the clock keeps running. */
    public void reset() {
        speaking = false;
        loudFrames = 0;
    }
}
