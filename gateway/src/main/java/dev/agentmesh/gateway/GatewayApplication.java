package dev.agentmesh.gateway;

import dev.agentmesh.gateway.realtime.RelayTransport;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

    public static void main(String[] args) {
        RelayTransport.configure();
        SpringApplication.run(GatewayApplication.class, args);
    }
}
