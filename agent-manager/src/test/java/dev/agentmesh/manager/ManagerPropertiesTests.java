package dev.agentmesh.manager;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/** The manager's settings as application.yml binds them. */
class ManagerPropertiesTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ManagerProperties.class)
    static class Bound {
    }

    private final ApplicationContextRunner manager = new ApplicationContextRunner()
            .withUserConfiguration(Bound.class)
            .withPropertyValues("manager.max-deadline=30s", "manager.stage-one-share=60",
                    "manager.deadline-check-interval=50ms", "manager.closed-retention=10m",
                    "manager.registry.liveness-timeout=20s", "manager.planning.skill-threshold=0.5",
                    "manager.planning.build-on-threshold=0.6", "manager.planning.mention-threshold=0.35",
                    "manager.planning.model-share=50",
                    "manager.llm.model=m", "manager.llm.timeout=4s", "manager.answers.max-size=16KB",
                    "manager.answers.max-total-size=64KB");

    @Test
    void refusesAMentionThresholdAboveTheSkillThreshold() {
        manager.withPropertyValues("manager.planning.mention-threshold=0.7").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessage("manager.planning.mention-threshold (0.7) "
                    + "must not be above manager.planning.skill-threshold (0.5)");
        });
    }

    @Test
    void refusesToStartWhenAnLlmKeyWouldCrossTheNetworkInClearText() {
        manager.withPropertyValues("manager.llm.base-url=http://ollama.internal:11434/v1",
                "manager.llm.llm-api-key=llm-key-1").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageStartingWith("LLM_API_KEY would be sent in clear text to http://ollama.internal:11434")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("llm-key-1"));
        });
    }

    @Test
    void plansLocallyWithoutAnEndpointOrAKeyAndWithTheLlmWhenOpenAisKeyIsSet() {
        manager.run(context -> assertThat(context.getBean(ManagerProperties.class).llm().enabled()).isFalse());
        manager.withPropertyValues("manager.llm.openai-api-key=sk-openai-2").run(context -> {
            ManagerProperties.Llm llm = context.getBean(ManagerProperties.class).llm();
            assertThat(llm.enabled()).isTrue();
            assertThat(llm.endpoint().apiKey()).contains("sk-openai-2");
            assertThat(llm.toString()).doesNotContain("sk-openai-2").contains("https://api.openai.com with OPENAI_API_KEY");
        });
        manager.withPropertyValues("manager.llm.base-url=http://ollama.internal:11434/v1",
                "manager.llm.openai-api-key=sk-openai-2").run(context -> {
            ManagerProperties.Llm llm = context.getBean(ManagerProperties.class).llm();
            assertThat(llm.enabled()).isTrue();
            assertThat(llm.endpoint().apiKey()).isEmpty();
        });
    }
}
