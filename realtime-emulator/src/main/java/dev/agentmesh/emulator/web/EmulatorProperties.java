package dev.agentmesh.emulator.web;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param realtimePacing     stream audio deltas at playback speed instead of as fast as possible
 * @param defaultVoice       the voice in {@code session.created}
 * @param maxTextMessageSize largest client event accepted; appends may carry 15 MiB of audio (20 MiB as base64)
 * @param transcription      what input audio the emulator can recognise
 */
@ConfigurationProperties("emulator")
public record EmulatorProperties(@DefaultValue("false") boolean realtimePacing,
        @DefaultValue("marin") String defaultVoice,
        @DefaultValue("32MB") DataSize maxTextMessageSize,
        @DefaultValue Transcription transcription) {

    /**
     * @param phrases           recognised from startup, synthesised with the emulator's own voice; sentences it
     *                          speaks in answers are recognised too
     * @param maxLearnedPhrases how many spoken sentences to remember for recognition (least recently used go first)
     */
    public record Transcription(
            @DefaultValue({"I live in Lyon.", "What's the weather in Paris and any news about France?",
                    "What's the weather like today?", "My name is Ana.", "I follow Formula 1.", "Hello!", "Thank you.",
                    "What can you do?", "What's the latest news?", "Are today's news and weather related?", "Goodbye!"})
            List<String> phrases,
            @DefaultValue("200") int maxLearnedPhrases) {

        public Transcription {
            phrases = phrases == null ? List.of() : List.copyOf(phrases);
            if (phrases.stream().anyMatch(phrase -> phrase == null || phrase.isBlank())) {
                throw new IllegalArgumentException("emulator.transcription.phrases must not contain blank phrases");
            }
            if (maxLearnedPhrases < 0 || maxLearnedPhrases > 10_000) {
                throw new IllegalArgumentException("emulator.transcription.max-learned-phrases must be 0..10000, was "
                        + maxLearnedPhrases);
            }
        }
    }

    public EmulatorProperties {
        if (defaultVoice == null || defaultVoice.isBlank()) {
            throw new IllegalArgumentException("emulator.default-voice must not be blank");
        }
        if (maxTextMessageSize == null || maxTextMessageSize.toBytes() < DataSize.ofMegabytes(16).toBytes()) {
            throw new IllegalArgumentException("emulator.max-text-message-size must be at least 16MB, was "
                    + maxTextMessageSize);
        }
        if (transcription == null) {
            throw new IllegalArgumentException("emulator.transcription must be set");
        }
    }
}
