package dev.agentmesh.chat;

import io.github.resilience4j.retry.RetryRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

@Configuration(proxyBeanMethods = false)
class ChatConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ChatConfiguration.class);

    @Bean
    Responder responder(ChatProperties properties, RetryRegistry retries, RestClient.Builder http) {
        if (properties.llm().enabled()) {
            log.info("Chat through a language model: {}", properties.llm());
            return new LanguageModelResponder(properties.llm(), retries.retry("llm"), http);
        }
        log.info("Chat through the offline composer: no LLM_BASE_URL, LLM_API_KEY or OPENAI_API_KEY is set");
        return new OfflineComposer();
    }
}
