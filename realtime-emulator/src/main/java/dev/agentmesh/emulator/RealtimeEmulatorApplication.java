package dev.agentmesh.emulator;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

import dev.agentmesh.emulator.web.EmulatorWebConfiguration;

/** The standalone emulator service: the WebSocket endpoint plus actuator health and metrics on one port. */
@SpringBootApplication
@Import(EmulatorWebConfiguration.class)
public class RealtimeEmulatorApplication {

    public static void main(String[] args) {
        SpringApplication.run(RealtimeEmulatorApplication.class, args);
    }
}
