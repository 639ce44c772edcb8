package dev.agentmesh.emulator;

import java.net.URI;
import java.util.List;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.agentmesh.emulator.transcription.PhraseBook;
import dev.agentmesh.emulator.web.ConnectionLog;

/**
 * The emulator as a test library: starts an embedded server speaking the Realtime GA protocol at
 * {@code /v1/realtime} on the loopback interface.
 *
 * <pre>{@code
 * try (RealtimeEmulator openai = RealtimeEmulator.start()) {
 *     // point the code under test at openai.url()
 * }
 * }</pre>
 *
 * System property {@code emulator.realtime-pacing=true} streams audio at playback speed.
 *
 * <p>Input audio is recognised only when it is a phrase the emulator can say itself: sentences it has spoken,
 * its configured phrases and those added with {@link #learnPhrase}. {@link #speech} gives a phrase's audio to
 * send as user input; {@code GET /v1/emulator/speech?text=...} gives it as a WAV file.
 */
public final class RealtimeEmulator implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final int port;
    private final ConnectionLog connectionLog;
    private final PhraseBook phrases;

    private RealtimeEmulator(ConfigurableApplicationContext context) {
        this.context = context;
        this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
        this.connectionLog = context.getBean(ConnectionLog.class);
        this.phrases = context.getBean(PhraseBook.class);
    }

    /** Starts on a random free port. */
    public static RealtimeEmulator start() {
        return start(0);
    }

    public static RealtimeEmulator start(int port) {
        SpringApplication application = new SpringApplication(LibraryConfiguration.class);
        application.setWebApplicationType(WebApplicationType.SERVLET);
        application.setBannerMode(org.springframework.boot.Banner.Mode.OFF);
        application.setLogStartupInfo(false);
        application.setRegisterShutdownHook(false);
        // The host test owns logging; a second application must not re-initialise it.
        application.setListeners(application.getListeners().stream()
                .filter(listener -> !(listener instanceof LoggingApplicationListener))
                .toList());
        return new RealtimeEmulator(application.run(
                "--server.port=" + port,
                "--server.address=127.0.0.1",
                // never read the host application's application.yml
                "--spring.config.name=realtime-emulator-library"));
    }

    /** {@code ws://127.0.0.1:<port>/v1/realtime}; append {@code ?model=...} as a real client would. */
    public URI url() {
        return URI.create("ws://127.0.0.1:" + port + "/v1/realtime");
    }

    public int port() {
        return port;
    }

    /** The credential each connection presented, in connection order; {@code ""} when it presented none. */
    public List<String> credentials() {
        return connectionLog.credentials();
    }

    /** Every client event type received, across all sessions, in arrival order. */
    public List<String> receivedEventTypes() {
        return connectionLog.receivedEventTypes();
    }

    /**
     * The emulator's own speech for this text, 24 kHz PCM16 mono little-endian (the API's {@code audio/pcm}),
     * without surrounding silence. Getting it does not make the phrase recognisable: it is recognised when it
     * is configured, was spoken in an answer, or was added with {@link #learnPhrase}.
     */
    public byte[] speech(String text) {
        return phrases.synthesize(text);
    }

    /** Makes a phrase recognisable from now on (synthesised with the emulator's voice). */
    public void learnPhrase(String text) {
        phrases.learn(text);
    }

    /** {@code http://127.0.0.1:<port>/v1/emulator/speech?text=...}: the phrase as a WAV file with 1 s of silence each side. */
    public URI speechUrl(String text) {
        return URI.create("http://127.0.0.1:" + port + "/v1/emulator/speech?text="
                + java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
    }

    @Override
    public void close() {
        context.close();
    }
}
