package dev.agentmesh.deploy;

import io.fabric8.kubernetes.api.model.EnvVar;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One service started in this JVM the way its rendered container runs it: its module's application.yml, the
 * container's literal env as the process environment (relaxed names, so {@code SPRING_KAFKA_SECURITY_PROTOCOL} and
 * {@code SPRING_KAFKA_PROPERTIES_SASL_MECHANISM} act as they do in the pod), {@code KAFKA_BOOTSTRAP_SERVERS} and the
 * Secret's {@code sasl.jaas.config} pointing at the test broker and the service's own KafkaUser. Only what cannot hold
 * in one JVM is overridden, by name: ports, state directories, providers that would call the internet.
 */
final class RenderedService implements AutoCloseable {

    /** Env that names the pod's machine, not the service's behaviour. */
    private static final Set<String> MACHINE_ENV = Set.of("JAVA_TOOL_OPTIONS", "KAFKA_BOOTSTRAP_SERVERS", "PORT",
            "MANAGEMENT_SERVER_PORT");

    private final ConfigurableApplicationContext context;

    private RenderedService(ConfigurableApplicationContext context) {
        this.context = context;
    }

    static RenderedService start(Class<?> application, Manifests.Workload workload, String bootstrapServers,
                                 String jaasConfig, String... overrides) {
        String module = workload.name();
        Map<String, Object> env = new LinkedHashMap<>();
        for (EnvVar variable : workload.container().getEnv()) {
            if (variable.getValue() != null && !MACHINE_ENV.contains(variable.getName())) {
                env.put(variable.getName(), variable.getValue());
            }
        }
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        env.put("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", jaasConfig);
        StandardEnvironment environment = new StandardEnvironment();
        // the "-systemEnvironment" suffix makes Spring Boot map env names to properties as it does for the real env
        environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource(
                module + "-container-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env));
        Path config = Repository.path(module).resolve("src/main/resources").toAbsolutePath();
        List<String> arguments = new ArrayList<>(List.of("--spring.config.location=file:" + config + "/",
                "--spring.main.banner-mode=off"));
        for (String override : overrides) {
            arguments.add("--" + override);
        }
        // a property given twice on the command line would bind as both values joined
        for (String port : List.of("server.port", "management.server.port")) {
            if (arguments.stream().noneMatch(argument -> argument.startsWith("--" + port + "="))) {
                arguments.add("--" + port + "=0");
            }
        }
        return new RenderedService(new SpringApplicationBuilder(application).environment(environment)
                .run(arguments.toArray(String[]::new)));
    }

    ConfigurableApplicationContext context() {
        return context;
    }

    int port() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port", "0"));
    }

    /** Whether /actuator/health/readiness answers 200 on the management port. */
    boolean ready(HttpClient http) {
        String port = context.getEnvironment().getProperty("local.management.port",
                String.valueOf(port()));
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        context.close();
    }
}
