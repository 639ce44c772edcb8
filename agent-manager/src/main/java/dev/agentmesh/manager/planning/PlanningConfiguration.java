package dev.agentmesh.manager.planning;

import dev.agentmesh.manager.ManagerProperties;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The LLM planner when a language model is configured, with the local planner behind it; else the local one. */
@Configuration(proxyBeanMethods = false)
class PlanningConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PlanningConfiguration.class);

    @Bean
    LocalPlanner localPlanner(ManagerProperties properties) {
        LocalPlanner planner = new LocalPlanner(new AllMiniLmL6V2QuantizedEmbeddingModel(),
                properties.planning().similarityThreshold());
        planner.warmUp();
        return planner;
    }

    @Bean
    Planner planner(ManagerProperties properties, LocalPlanner localPlanner) {
        if (properties.llm().enabled()) {
            log.info("Planning with a language model ({}), falling back to the local planner", properties.llm());
            return new FallbackPlanner(new LlmPlanner(properties.llm()), localPlanner);
        }
        log.info("Planning locally (offline): no LLM_BASE_URL, LLM_API_KEY or OPENAI_API_KEY is set");
        return localPlanner;
    }
}
