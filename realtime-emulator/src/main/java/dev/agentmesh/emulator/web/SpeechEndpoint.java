package dev.agentmesh.emulator.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.springframework.web.HttpRequestHandler;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;

import dev.agentmesh.emulator.audio.Wav;
import dev.agentmesh.emulator.transcription.PhraseBook;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Test support over HTTP: {@code GET /v1/emulator/speech?text=...[&silence_ms=1000]} gives the emulator's own
 * speech for a text as a 24 kHz mono PCM16 WAV file (for a browser test, Chromium's
 * {@code --use-file-for-fake-audio-capture=<file>}); {@code POST /v1/emulator/phrases?text=...} adds a phrase to
 * the ones it recognises. Plain request handlers, so they work in library mode too, where the WebSocket
 * mapping keeps the DispatcherServlet from installing annotation-based controllers.
 */
final class SpeechEndpoint {

    private static final int MAX_TEXT = 1000;
    private static final int MAX_SILENCE_MS = 10_000;
    private static final int DEFAULT_SILENCE_MS = 1000;

    private final PhraseBook phrases;

    SpeechEndpoint(PhraseBook phrases) {
        this.phrases = phrases;
    }

    SimpleUrlHandlerMapping mapping() {
        HttpRequestHandler speech = this::speech;
        HttpRequestHandler learn = this::learn;
        SimpleUrlHandlerMapping mapping = new SimpleUrlHandlerMapping(
                Map.of("/v1/emulator/speech", speech, "/v1/emulator/phrases", learn));
        mapping.setOrder(0);
        return mapping;
    }

    private void speech(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!request.getMethod().equals("GET")) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        String text = request.getParameter("text");
        String problem = textProblem(text);
        int silenceMs = DEFAULT_SILENCE_MS;
        String silence = request.getParameter("silence_ms");
        if (problem == null && silence != null) {
            try {
                silenceMs = Integer.parseInt(silence);
            } catch (NumberFormatException e) {
                silenceMs = -1;
            }
            if (silenceMs < 0 || silenceMs > MAX_SILENCE_MS) {
                problem = "silence_ms must be a whole number of milliseconds, 0.." + MAX_SILENCE_MS;
            }
        }
        if (problem != null) {
            badRequest(response, problem);
            return;
        }
        byte[] wav = Wav.of(Wav.padded(phrases.synthesize(text), silenceMs));
        response.setContentType("audio/wav");
        response.setContentLength(wav.length);
        response.getOutputStream().write(wav);
    }

    private void learn(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!request.getMethod().equals("POST")) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        String text = request.getParameter("text");
        String problem = textProblem(text);
        if (problem != null) {
            badRequest(response, problem);
            return;
        }
        phrases.learn(text);
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    private static String textProblem(String text) {
        if (text == null || text.isBlank()) {
            return "text is required";
        }
        return text.length() > MAX_TEXT ? "text must be at most " + MAX_TEXT + " characters" : null;
    }

    private static void badRequest(HttpServletResponse response, String problem) throws IOException {
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        response.setContentType("text/plain");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(problem + "\n");
    }
}
