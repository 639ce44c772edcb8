package dev.agentmesh.emulator.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** RIFF/WAVE container for 24 kHz mono PCM16, as browsers and Chromium's fake audio capture read it. */
public final class Wav {

    private Wav() {
    }

    public static byte[] of(byte[] pcm) {
        int rate = SpeechSynthesizer.SAMPLE_RATE;
        ByteBuffer wav = ByteBuffer.allocate(44 + pcm.length).order(ByteOrder.LITTLE_ENDIAN);
        wav.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + pcm.length)
                .put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2)
                .putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(pcm.length).put(pcm);
        return wav.array();
    }

    /** The phrase with this much silence before and after. */
    public static byte[] padded(byte[] pcm, int silenceMs) {
        int pad = silenceMs * SpeechSynthesizer.BYTES_PER_MS;
        byte[] padded = new byte[pcm.length + 2 * pad];
        System.arraycopy(pcm, 0, padded, pad, pcm.length);
        return padded;
    }
}
