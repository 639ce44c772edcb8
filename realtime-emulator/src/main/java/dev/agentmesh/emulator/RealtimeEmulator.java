package dev.agentmesh.emulator;

import java.net.URI;
import java.util.List;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

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
 */
public final class RealtimeEmulator implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final int port;
    private final ConnectionLog connectionLog;

    private RealtimeEmulator(ConfigurableApplicationContext context) {
        this.context = context;
        this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
        this.connectionLog = context.getBean(ConnectionLog.class);
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

    @Override
    public void close() {
        context.close();
    }
}
