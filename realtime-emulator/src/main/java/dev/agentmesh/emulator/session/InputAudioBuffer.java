package dev.agentmesh.emulator.session;

import java.util.Arrays;

/** The uncommitted input audio, positioned on the session's input audio clock (ms since the first append). */
final class InputAudioBuffer {

    private byte[] data = new byte[0];
    private int length;
    private long startMs;
    private long clockMs;
    private long clockBytes;

    void append(byte[] audio, int bytesPerMs) {
        if (length + audio.length > data.length) {
            data = Arrays.copyOf(data, Math.max(length + audio.length, data.length * 2));
        }
        System.arraycopy(audio, 0, data, length, audio.length);
        length += audio.length;
        clockBytes += audio.length;
        clockMs = clockBytes / bytesPerMs;
    }

    long durationMs(int bytesPerMs) {
        return length / bytesPerMs;
    }

    /** Drops audio before {@code fromMs}, keeping whole samples. */
    void dropBefore(long fromMs, int bytesPerMs) {
        long dropMs = fromMs - startMs;
        if (dropMs <= 0) {
            return;
        }
        int drop = (int) Math.min(length, dropMs * bytesPerMs) & ~1;
        System.arraycopy(data, drop, data, 0, length - drop);
        length -= drop;
        startMs += drop / bytesPerMs;
    }

    byte[] take() {
        byte[] taken = Arrays.copyOf(data, length);
        clear();
        return taken;
    }

    void clear() {
        length = 0;
        startMs = clockMs;
    }
}
