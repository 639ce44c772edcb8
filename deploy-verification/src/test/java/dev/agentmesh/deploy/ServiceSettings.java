package dev.agentmesh.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one container's service would see for a property at run time: the container's literal env over its module's
 * application.yml, bound the way Spring Boot binds them (relaxed env names such as {@code GATEWAY_DRAIN_TIMEOUT},
 * {@code ${VAR:default}} placeholders, duration strings). The module is the Deployment's name: one name everywhere.
 */
final class ServiceSettings {

    private final Binder binder;

    private ServiceSettings(Binder binder) {
        this.binder = binder;
    }

    static ServiceSettings of(Container container, String module) {
        Map<String, Object> env = new LinkedHashMap<>();
        for (EnvVar variable : container.getEnv()) {
            if (variable.getValue() != null) {
                env.put(variable.getName(), variable.getValue());
            }
        }
        Map<String, Object> yaml = new LinkedHashMap<>(ServiceConsumption.rawApplicationConfig(module));
        // Named as Spring names the process environment, so Boot maps FOO_BAR_BAZ to foo.bar.baz as it would in the pod.
        List<PropertySource<?>> sources = List.of(new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env),
                new MapPropertySource(module + " application.yml", yaml));
        return new ServiceSettings(new Binder(ConfigurationPropertySources.from(sources),
                new PropertySourcesPlaceholdersResolver(sources)));
    }

    Optional<Duration> duration(String property) {
        return binder.bind(property, Duration.class).map(Optional::of).orElse(Optional.empty());
    }

    Optional<String> string(String property) {
        return binder.bind(property, String.class).map(Optional::of).orElse(Optional.empty());
    }

    Map<String, String> map(String property) {
        return binder.bind(property, Bindable.mapOf(String.class, String.class)).orElse(Map.of());
    }
}
