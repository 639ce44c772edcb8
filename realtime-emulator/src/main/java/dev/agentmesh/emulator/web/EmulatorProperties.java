package dev.agentmesh.emulator.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param realtimePacing     stream audio deltas at playback speed instead of as fast as possible
 * @param defaultVoice       the voice in {@code session.created}
 * @param maxTextMessageSize largest client event accepted; appends may carry 15 MiB of audio (20 MiB as base64)
 */
@ConfigurationProperties("emulator")
public record EmulatorProperties(@DefaultValue("false") boolean realtimePacing,
        @DefaultValue("marin") String defaultVoice,
        @DefaultValue("32MB") DataSize maxTextMessageSize) {

    public EmulatorProperties {
        if (defaultVoice == null || defaultVoice.isBlank()) {
            throw new IllegalArgumentException("emulator.default-voice must not be blank");
        }
        if (maxTextMessageSize == null || maxTextMessageSize.toBytes() < DataSize.ofMegabytes(16).toBytes()) {
            throw new IllegalArgumentException("emulator.max-text-message-size must be at least 16MB, was "
                    + maxTextMessageSize);
        }
    }
}
