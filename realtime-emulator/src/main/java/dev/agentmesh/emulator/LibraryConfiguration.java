package dev.agentmesh.emulator;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.context.annotation.Import;

import dev.agentmesh.emulator.web.EmulatorWebConfiguration;

/**
 * The emulator embedded in someone else's test JVM: an explicit, minimal set of auto-configurations
 * (Tomcat with its WebSocket container, the DispatcherServlet that routes the upgrade), so whatever
 * else the host has on its classpath (Kafka, actuator, data sources) is ignored. Not annotated
 * {@code @Configuration} on purpose, so that component scanning never picks it up.
 */
@ImportAutoConfiguration({
        PropertyPlaceholderAutoConfiguration.class,
        TomcatServletWebServerAutoConfiguration.class,
        DispatcherServletAutoConfiguration.class })
@Import(EmulatorWebConfiguration.class)
class LibraryConfiguration {
}
