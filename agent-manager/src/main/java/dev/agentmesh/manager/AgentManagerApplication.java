package dev.agentmesh.manager;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class AgentManagerApplication {

    public static void main(String[] args) {
        SpringApplication.run(AgentManagerApplication.class, args);
    }
}
