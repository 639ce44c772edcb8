package dev.agentmesh.chat;

import dev.agentmesh.events.ContextEntry;
import dev.agentmesh.events.PriorAnswer;
import dev.agentmesh.llm.LlmEndpoint;
import dev.agentmesh.sdk.AgentException;
import dev.agentmesh.sdk.AgentRequest;
import io.github.resilience4j.retry.Retry;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OpenAI-compatible chat completions endpoint (OpenAI, Ollama, vLLM). Each call is bounded by the
 * configured timeout and the subtask's remaining time; rate limits and server errors are retried.
 */
final class LanguageModelResponder implements Responder {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SYSTEM_PROMPT = """
            You are the chat agent of a voice assistant. Answer in two to four short, speakable sentences, \
            without markdown. When other agents' answers are given, treat them as the facts of the moment, \
            relate them to the question, and say plainly when something needed is missing or when you see no \
            relation.""";

    private final ChatProperties.Llm llm;
    private final LlmEndpoint endpoint;
    private final Retry retry;
    private final HttpClient http;

    LanguageModelResponder(ChatProperties.Llm llm, Retry retry) {
        this.llm = llm;
        this.endpoint = llm.endpoint();
        this.retry = retry;
        this.http = HttpClient.newBuilder().connectTimeout(llm.timeout()).build();
    }

    @Override
    public String respond(AgentRequest request) throws AgentException {
        String body = JSON.writeValueAsString(body(request));
        try {
            return Retry.decorateCheckedSupplier(retry, () -> call(body, request)).get();
        } catch (AgentException e) {
            throw e;
        } catch (Unavailable e) {
            throw new AgentException("the language model is unavailable right now (" + e.getMessage() + ")", e);
        } catch (Throwable e) {
            throw new AgentException("the language model could not be asked", e);
        }
    }

    private String call(String body, AgentRequest request) throws AgentException {
        Duration budget = request.remaining().compareTo(llm.timeout()) < 0 ? request.remaining() : llm.timeout();
        if (budget.isNegative() || budget.isZero()) {
            throw new AgentException("no time was left to ask the language model");
        }
        HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(endpoint.baseUrl() + "/chat/completions"))
                .timeout(budget)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        endpoint.apiKey().ifPresent(key -> post.header("Authorization", "Bearer " + key));
        HttpResponse<String> response;
        try {
            response = http.send(post.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new AgentException("the language model did not answer in time", e);
        } catch (IOException e) {
            throw new Unavailable("unreachable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException("interrupted while asking the language model", e);
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new AgentException("the language model rejected the credentials");
        }
        if (status == 429 || status >= 500) {
            throw new Unavailable("HTTP " + status);
        }
        if (status >= 400) {
            throw new AgentException("the language model refused the request (HTTP " + status + ")");
        }
        return content(response.body());
    }

    private static String content(String body) throws AgentException {
        try {
            JsonNode content = JSON.readTree(body).path("choices").path(0).path("message").path("content");
            if (!content.isString() || content.asString().isBlank()) {
                throw new AgentException("the language model's answer had no text");
            }
            return content.asString().trim();
        } catch (JacksonException e) {
            throw new AgentException("the language model's answer could not be read", e);
        }
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

    private Map<String, Object> body(AgentRequest request) {
        List<Map<String, String>> messages = new ArrayList<>();
        messages.add(Map.of("role", "system", "content", SYSTEM_PROMPT));
        if (request.user() != null) {
            messages.add(Map.of("role", "system", "content", about(request.user())));
        }
        for (ContextEntry entry : request.context()) {
            String role = switch (entry.role()) {
                case "user", "assistant" -> entry.role();
                default -> "system";
            };
            messages.add(Map.of("role", role, "content", role.equals("system")
                    ? "Earlier agent result: " + entry.text() : entry.text()));
        }
        if (!request.priorAnswers().isEmpty()) {
            StringBuilder facts = new StringBuilder("Answers from the other agents just now:\n");
            for (PriorAnswer answer : request.priorAnswers()) {
                facts.append("- ").append(answer.agent()).append(" said: ").append(answer.answer()).append('\n');
            }
            messages.add(Map.of("role", "system", "content", facts.toString()));
        }
        messages.add(Map.of("role", "user", "content", request.text()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", llm.model());
        body.put("messages", messages);
        return body;
    }

    /** Worth another try: a rate limit, a server error or an unreachable server. */
    static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message);
        }
    }
}
