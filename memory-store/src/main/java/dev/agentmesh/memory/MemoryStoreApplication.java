package dev.agentmesh.memory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class MemoryStoreApplication {

    public static void main(String[] args) {
        SpringApplication.run(MemoryStoreApplication.class, args);
    }
}
