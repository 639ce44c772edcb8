package dev.agentmesh.sdk.runtime;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * How the SDK runs an agent.
 *
 * @param concurrency listener threads; more than the request topic's partitions is useless
 * @param heartbeatInterval how often the instance announces itself in the registry
 * @param version reported in the registry
 * @param instanceId reported in the registry; empty means the HOSTNAME (the pod name in Kubernetes)
 */
@Validated
@ConfigurationProperties("agent")
public record AgentProperties(
        @DefaultValue("2") @Min(1) int concurrency,
        @DefaultValue("5s") @NotNull Duration heartbeatInterval,
        @DefaultValue("0.1.0") String version,
        @DefaultValue("") String instanceId) {
}
