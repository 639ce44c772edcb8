package dev.agentmesh.chat;

import com.openai.client.OpenAIClient;
import com.openai.core.RequestOptions;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.agentmesh.events.ContextEntry;
import dev.agentmesh.events.PriorAnswer;
import dev.agentmesh.llm.LlmEndpoint;
import dev.agentmesh.llm.RestClientTransport;
import dev.agentmesh.sdk.AgentException;
import dev.agentmesh.sdk.AgentRequest;
import io.github.resilience4j.retry.Retry;
import org.springframework.web.client.RestClient;

import java.time.Duration;
import java.util.Optional;

/**
 * An OpenAI-compatible chat completions endpoint (OpenAI, Ollama, vLLM) through the OpenAI Java SDK over Spring's
 * observed RestClient ({@link RestClientTransport}). Each call is bounded by the configured timeout and the
 * subtask's remaining time; rate limits, server errors and an unreachable server are retried (by the {@code llm}
 * retry; the SDK's own retries are off).
 */
final class LanguageModelResponder implements Responder {

    private static final String SYSTEM_PROMPT = """
            You are the chat agent of a voice assistant. Answer in two to four short, speakable sentences, \
            without markdown. When other agents' answers are given, treat them as the facts of the moment, \
            relate them to the question, and say plainly when something needed is missing or when you see no \
            relation.""";

    private final ChatProperties.Llm llm;
    private final Retry retry;
    private final OpenAIClient client;

    LanguageModelResponder(ChatProperties.Llm llm, Retry retry, RestClient.Builder http) {
        this.llm = llm;
        this.retry = retry;
        this.client = RestClientTransport.openAi(llm.endpoint(), http, llm.timeout());
    }

    @Override
    public String respond(AgentRequest request) throws AgentException {
        ChatCompletionCreateParams params = params(request);
        try {
            return Retry.decorateCheckedSupplier(retry, () -> call(params, request)).get();
        } catch (AgentException e) {
            throw e;
        } catch (Unavailable e) {
            throw new AgentException("the language model is unavailable right now (" + e.getMessage() + ")", e);
        } catch (Throwable e) {
            throw new AgentException("the language model could not be asked", e);
        }
    }

    private String call(ChatCompletionCreateParams params, AgentRequest request) throws AgentException {
        Duration budget = request.remaining().compareTo(llm.timeout()) < 0 ? request.remaining() : llm.timeout();
        if (budget.isNegative() || budget.isZero()) {
            throw new AgentException("no time was left to ask the language model");
        }
        ChatCompletion completion;
        try {
            completion = client.chat().completions().create(params, RequestOptions.builder().timeout(budget).build());
        } catch (OpenAIIoException e) {
            if (RestClientTransport.timedOut(e)) {
                throw new AgentException("the language model did not answer in time", e);
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new AgentException("interrupted while asking the language model", e);
            }
            throw new Unavailable("unreachable");
        } catch (UnauthorizedException | PermissionDeniedException e) {
            // no cause: the SDK's exception quotes the body, which may echo the key
            throw new AgentException("the language model rejected the credentials");
        } catch (OpenAIServiceException e) {
            int status = e.statusCode();
            if (status == 429 || status >= 500) {
                throw new Unavailable("HTTP " + status);
            }
            throw new AgentException("the language model refused the request (HTTP " + status + ")");
        } catch (OpenAIInvalidDataException e) {
            throw new AgentException("the language model's answer could not be read", e);
        }
        return content(completion);
    }

    private static String content(ChatCompletion completion) throws AgentException {
        Optional<String> content;
        try {
            content = completion.choices().isEmpty() ? Optional.empty()
                    : completion.choices().getFirst().message().content();
        } catch (OpenAIInvalidDataException e) {
            throw new AgentException("the language model's answer could not be read", e);
        }
        if (content.isEmpty() || content.get().isBlank()) {
            throw new AgentException("the language model's answer had no text");
        }
        return content.get().trim();
    }

    /** What the user's profile says, for the model to adapt to (the name, the home city, units, interests). */
    private static String about(dev.agentmesh.events.UserContext user) {
        StringBuilder about = new StringBuilder("About the user:");
        if (user.name() != null) {
            about.append(" their name is ").append(user.name()).append(';');
        }
        if (user.homeCity() != null) {
            about.append(" they live in ").append(user.homeCity()).append(';');
        }
        if (user.units() != null) {
            about.append(" they prefer ").append(user.units()).append(" units;");
        }
        if (!user.interests().isEmpty()) {
            about.append(" they follow ").append(String.join(", ", user.interests())).append(';');
        }
        if (user.language() != null) {
            about.append(" answer in the language with code ").append(user.language()).append(';');
        }
        return about.toString();
    }

    private ChatCompletionCreateParams params(AgentRequest request) {
        ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model(llm.model())
                .addSystemMessage(SYSTEM_PROMPT);
        if (request.user() != null) {
            params.addSystemMessage(about(request.user()));
        }
        for (ContextEntry entry : request.context()) {
            switch (entry.role()) {
                case "user" -> params.addUserMessage(entry.text());
                case "assistant" -> params.addAssistantMessage(entry.text());
                default -> params.addSystemMessage("Earlier agent result: " + entry.text());
            }
        }
        if (!request.priorAnswers().isEmpty()) {
            StringBuilder facts = new StringBuilder("Answers from the other agents just now:\n");
            for (PriorAnswer answer : request.priorAnswers()) {
                facts.append("- ").append(answer.agent()).append(" said: ").append(answer.answer()).append('\n');
            }
            params.addSystemMessage(facts.toString());
        }
        return params.addUserMessage(request.text()).build();
    }

    /** Worth another try: a rate limit, a server error or an unreachable server. */
    static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message);
        }
    }
}
