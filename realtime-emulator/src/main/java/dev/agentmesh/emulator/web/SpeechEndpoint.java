package dev.agentmesh.emulator.web;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.agentmesh.emulator.audio.Wav;
import dev.agentmesh.emulator.transcription.PhraseBook;

/**
 * Test support over HTTP: the emulator's own speech for a text, as a WAV file a browser test can feed to
 * Chromium as its microphone ({@code --use-file-for-fake-audio-capture=<file>}), and a way to add a phrase to
 * the ones it recognises. Registered as a bean by {@link EmulatorWebConfiguration}, not scanned.
 */
@RestController
final class SpeechEndpoint {

    static final MediaType WAV = MediaType.parseMediaType("audio/wav");
    private static final int MAX_TEXT = 1000;
    private static final int MAX_SILENCE_MS = 10_000;

    private final PhraseBook phrases;

    SpeechEndpoint(PhraseBook phrases) {
        this.phrases = phrases;
    }

    /** 24 kHz mono PCM16 WAV of the text between {@code silence_ms} of silence (default 1000) on each side. */
    @GetMapping("/v1/emulator/speech")
    ResponseEntity<?> speech(@RequestParam(name = "text", required = false) String text,
            @RequestParam(name = "silence_ms", defaultValue = "1000") int silenceMs) {
        String problem = textProblem(text);
        if (problem == null && (silenceMs < 0 || silenceMs > MAX_SILENCE_MS)) {
            problem = "silence_ms must be 0.." + MAX_SILENCE_MS;
        }
        if (problem != null) {
            return ResponseEntity.badRequest().contentType(MediaType.TEXT_PLAIN).body(problem);
        }
        return ResponseEntity.ok().contentType(WAV).body(Wav.of(Wav.padded(phrases.synthesize(text), silenceMs)));
    }

    /** Adds a phrase to the recognised ones (synthesised with the emulator's voice, kept until shutdown). */
    @PostMapping("/v1/emulator/phrases")
    ResponseEntity<String> learn(@RequestParam(name = "text", required = false) String text) {
        String problem = textProblem(text);
        if (problem != null) {
            return ResponseEntity.badRequest().contentType(MediaType.TEXT_PLAIN).body(problem);
        }
        phrases.learn(text);
        return ResponseEntity.status(HttpStatus.NO_CONTENT).build();
    }

    private static String textProblem(String text) {
        if (text == null || text.isBlank()) {
            return "text is required";
        }
        return text.length() > MAX_TEXT ? "text must be at most " + MAX_TEXT + " characters" : null;
    }
}
