package dev.agentmesh.emulator.transcription;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.agentmesh.emulator.audio.SpeechSynthesizer;

/**
 * The emulator's voice and what it can recognise: every sentence it speaks is remembered, and the configured
 * phrases are synthesised once at startup (on a background thread, so that starting stays fast; recognition
 * waits for them). Shared by all sessions; thread-safe.
 */
public final class PhraseBook implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PhraseBook.class);
    private static final long STARTUP_WAIT_SECONDS = 60;

    private final SpeechSynthesizer voice;
    private final PhraseRecognizer recognizer;
    private final CompletableFuture<Void> configuredPhrases;

    private PhraseBook(SpeechSynthesizer voice, PhraseRecognizer recognizer, List<String> phrases) {
        this.voice = voice;
        this.recognizer = recognizer;
        this.configuredPhrases = CompletableFuture.runAsync(() -> {
            long started = System.nanoTime();
            phrases.forEach(this::learn);
            log.info("Synthesised {} phrases for recognition in {} ms", phrases.size(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }, task -> {
            Thread thread = new Thread(task, "emulator-phrases");
            thread.setDaemon(true);
            thread.start();
        });
    }

    /**
     * @param phrases    recognised from the start, never forgotten
     * @param maxLearned how many spoken sentences to remember besides them (least recently used go first)
     */
    public static PhraseBook start(SpeechSynthesizer voice, List<String> phrases, int maxLearned) {
        return new PhraseBook(voice, new PhraseRecognizer(maxLearned), List.copyOf(phrases));
    }

    /** Synthesises a sentence the emulator says, and remembers it so that it is recognised when heard back. */
    public byte[] speak(String sentence) {
        byte[] pcm = voice.synthesize(sentence);
        recognizer.learn(sentence, pcm, false);
        return pcm;
    }

    /** Synthesises without remembering: for tests that need audio of a phrase, known or not. */
    public byte[] synthesize(String text) {
        return voice.synthesize(text);
    }

    /** Adds a phrase to the ones recognised for good, synthesised with the emulator's voice. */
    public void learn(String phrase) {
        recognizer.learn(phrase, voice.synthesize(phrase), true);
    }

    /** @param pcm 24 kHz PCM16 mono */
    public PhraseRecognizer.Result recognize(byte[] pcm) {
        try {
            configuredPhrases.get(STARTUP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("Configured phrases are not ready; recognising against what is known so far: {}", e.toString());
        }
        return recognizer.recognize(pcm);
    }

    @Override
    public void close() {
        voice.close();
    }
}
