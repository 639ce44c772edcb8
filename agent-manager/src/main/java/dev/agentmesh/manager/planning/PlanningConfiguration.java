package dev.agentmesh.manager.planning;

import dev.agentmesh.events.Event;
import dev.agentmesh.kafka.TraceHeaders;
import dev.agentmesh.manager.ManagerProperties;
import dev.agentmesh.manager.registry.AgentDirectory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.client.RestClient;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The LLM planner when a language model is configured, with the local planner behind it; else the local one. Both
 * run in the planning stage, off the aggregation's stream thread.
 */
@Configuration(proxyBeanMethods = false)
class PlanningConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PlanningConfiguration.class);

    /** The thresholds application.yml sets, for tools and tests that build the planner without Spring. */
    static final LocalPlanner.Thresholds DEFAULT_THRESHOLDS = new LocalPlanner.Thresholds(0.5, 0.5, 0.3);

    @Bean
    LocalPlanner localPlanner(ManagerProperties properties) {
        SentenceModel model = SentenceModel.e5Small();
        String cardEmbeddings = properties.planning().cardEmbeddings();
        String skillModels = properties.planning().skillModels();
        SkillIndex index = new SkillIndex(model,
                cardEmbeddings.isEmpty() ? null : new CardEmbeddingFile(Path.of(cardEmbeddings), model.id()),
                skillModels.isEmpty() ? null : new SkillModelFile(Path.of(skillModels)));
        LocalPlanner planner = new LocalPlanner(index, new LocalPlanner.Thresholds(
                properties.planning().skillThreshold(), properties.planning().buildOnThreshold(),
                properties.planning().mentionThreshold()));
        planner.warmUp();
        return planner;
    }

    static LocalPlanner localPlanner(SentenceModel model, LocalPlanner.Thresholds thresholds) {
        LocalPlanner planner = new LocalPlanner(model, thresholds);
        planner.warmUp();
        return planner;
    }

    /** Waits for planning models: virtual threads, one per task. */
    @Bean(destroyMethod = "close")
    ExecutorService planningWorkers() {
        return Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("planning-", 0).factory());
    }

    /**
     * Runs the local planner: two platform threads, since embedding is CPU work that would hold a virtual thread's
     * carrier. The planner learns new cards as the registry reader announces them, before those agents count as
     * live, so plans never wait for the learning.
     */
    @Bean(destroyMethod = "close")
    ExecutorService localPlanningWorkers(LocalPlanner localPlanner, AgentDirectory directory) {
        directory.onChange(localPlanner::prepare);
        return Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon().name("local-planner-", 0).factory());
    }

    @Bean
    PlanningStage planningStage(Planner planner, LocalPlanner localPlanner, AgentDirectory directory,
                                KafkaTemplate<String, Event> eventTemplate, ExecutorService planningWorkers,
                                ExecutorService localPlanningWorkers,
                                ManagerProperties properties, MeterRegistry meters,
                                ObjectProvider<ObservationRegistry> observations, TraceHeaders tracing) {
        return new KafkaPlanningStage(planner, localPlanner, directory, eventTemplate, planningWorkers,
                localPlanningWorkers, new KafkaPlanningStage.Budget(properties.planning().modelShare(), properties.llm().timeout()), meters,
                observations.getIfAvailable(() -> ObservationRegistry.NOOP),
                tracing, Clock.systemUTC());
    }

    @Bean
    Planner planner(ManagerProperties properties, LocalPlanner localPlanner, RestClient.Builder http) {
        if (properties.llm().enabled()) {
            log.info("Planning with a language model ({}), falling back to the local planner", properties.llm());
            return new FallbackPlanner(new LlmPlanner(properties.llm(), http), localPlanner);
        }
        log.info("Planning locally (offline): no LLM_BASE_URL, LLM_API_KEY or OPENAI_API_KEY is set");
        return localPlanner;
    }
}
