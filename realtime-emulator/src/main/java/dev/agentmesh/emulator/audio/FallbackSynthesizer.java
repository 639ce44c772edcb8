package dev.agentmesh.emulator.audio;

import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads the preferred synthesizer on first use and falls back for good if it cannot load or speak. */
final class FallbackSynthesizer implements SpeechSynthesizer {

    private static final Logger log = LoggerFactory.getLogger(FallbackSynthesizer.class);

    private final Supplier<SpeechSynthesizer> preferredFactory;
    private final SpeechSynthesizer fallback;
    private SpeechSynthesizer preferred;
    private boolean preferredFailed;

    FallbackSynthesizer(Supplier<SpeechSynthesizer> preferredFactory, SpeechSynthesizer fallback) {
        this.preferredFactory = preferredFactory;
        this.fallback = fallback;
    }

    @Override
    public synchronized byte[] synthesize(String text) {
        if (!preferredFailed) {
            try {
                if (preferred == null) {
                    preferred = preferredFactory.get();
                }
                byte[] pcm = preferred.synthesize(text);
                if (pcm.length > 0 || text.isBlank()) {
                    return pcm;
                }
                throw new IllegalStateException("speech synthesizer produced no audio");
            } catch (RuntimeException | LinkageError e) {
                preferredFailed = true;
                log.warn("Speech synthesizer unavailable, using the synthetic voice instead: {}", e.toString());
            }
        }
        return fallback.synthesize(text);
    }

    @Override
    public synchronized void close() {
        if (preferred != null) {
            preferred.close();
            preferred = null;
        }
        preferredFailed = true;
    }
}
