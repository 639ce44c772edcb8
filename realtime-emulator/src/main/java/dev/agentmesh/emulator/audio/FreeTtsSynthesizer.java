package dev.agentmesh.emulator.audio;

import java.io.ByteArrayOutputStream;

import javax.sound.sampled.AudioFormat;

import com.sun.speech.freetts.Voice;
import com.sun.speech.freetts.audio.AudioPlayer;
import com.sun.speech.freetts.en.us.cmu_us_kal.KevinVoiceDirectory;

/** Real (if robotic) English speech from FreeTTS's 16 kHz "kevin16" diphone voice, resampled to 24 kHz. */
final class FreeTtsSynthesizer implements SpeechSynthesizer {

    private final Voice voice;
    private final CapturingPlayer player = new CapturingPlayer();

    FreeTtsSynthesizer() {
        Voice kevin16 = null;
        for (Voice candidate : new KevinVoiceDirectory().getVoices()) {
            if (candidate.getName().equals("kevin16")) {
                kevin16 = candidate;
            }
        }
        if (kevin16 == null) {
            throw new IllegalStateException("FreeTTS voice kevin16 not found");
        }
        kevin16.allocate();
        kevin16.setAudioPlayer(player);
        this.voice = kevin16;
    }

    @Override
    public synchronized byte[] synthesize(String text) {
        player.captured.reset();
        voice.speak(text);
        AudioFormat format = player.format;
        if (format == null || format.getSampleSizeInBits() != 16 || format.getChannels() != 1) {
            throw new IllegalStateException("unexpected FreeTTS audio format " + format);
        }
        return Pcm16.resample(Pcm16.toLittleEndian(player.captured.toByteArray(), format.isBigEndian()),
                Math.round(format.getSampleRate()), SAMPLE_RATE);
    }

    @Override
    public synchronized void close() {
        voice.deallocate();
    }

    /** FreeTTS hands finished audio to a player; this one keeps it instead of playing it. */
    private static final class CapturingPlayer implements AudioPlayer {

        private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        private AudioFormat format;

        @Override
        public void setAudioFormat(AudioFormat format) {
            this.format = format;
        }

        @Override
        public AudioFormat getAudioFormat() {
            return format;
        }

        @Override
        public boolean write(byte[] audio) {
            return write(audio, 0, audio.length);
        }

        @Override
        public boolean write(byte[] audio, int offset, int length) {
            captured.write(audio, offset, length);
            return true;
        }

        @Override
        public void pause() {
        }

        @Override
        public void resume() {
        }

        @Override
        public void reset() {
        }

        @Override
        public boolean drain() {
            return true;
        }

        @Override
        public void begin(int size) {
        }

        @Override
        public boolean end() {
            return true;
        }

        @Override
        public void cancel() {
        }

        @Override
        public void close() {
        }

        @Override
        public float getVolume() {
            return 1f;
        }

        @Override
        public void setVolume(float volume) {
        }

        @Override
        public long getTime() {
            return 0;
        }

        @Override
        public void resetTime() {
        }

        @Override
        public void startFirstSampleTimer() {
        }

        @Override
        public void showMetrics() {
        }
    }
}
