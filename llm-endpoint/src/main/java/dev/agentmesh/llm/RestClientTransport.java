package dev.agentmesh.llm;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientImpl;
import com.openai.core.ClientOptions;
import com.openai.core.JsonValue;
import com.openai.core.LogLevel;
import com.openai.core.RequestOptions;
import com.openai.core.Timeout;
import com.openai.core.http.Headers;
import com.openai.core.http.HttpClient;
import com.openai.core.http.HttpRequest;
import com.openai.core.http.HttpRequestBody;
import com.openai.core.http.HttpResponse;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.JdkHttpClientBuilder;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The official OpenAI Java SDK ({@code com.openai:openai-java-core}) with Spring's {@link RestClient} as its
 * transport, in place of the SDK's OkHttp module: the SDK knows the protocol (request and response models, error
 * classes by status), and the RestClient, cloned from the builder Spring Boot injects, makes every call observed
 * ({@code http.client.requests} metrics, a client span, {@code traceparent}) like the agents' other provider calls.
 * Spring AI's OpenAI module uses the same SDK but builds it on OkHttp, outside Spring's HTTP observation; a
 * hand-written client would repeat what the SDK already knows about the API.
 * <p>
 * Each call's read timeout is the SDK's request timeout for that call ({@link RequestOptions}), so a caller bounds
 * a call by its remaining deadline. The SDK's own retries are off ({@code maxRetries(0)}): callers retry as they
 * choose, and the two would multiply. Timeouts and I/O errors are {@link OpenAIIoException}s, as from the SDK's own
 * transport; a {@link #timedOut} one was cut by the timeout. Responses are read whole (no streaming).
 */
public final class RestClientTransport implements HttpClient {

    /** What the SDK is given as the key of an endpoint that takes none: it insists on one. Never sent. */
    private static final String NO_KEY = "no-key";

    private final RestClient http;
    private final PerCallTimeout requests;
    private final boolean sendsAuthorization;

    /**
     * @param injected the {@link RestClient.Builder} Spring injected; it is cloned, not changed
     * @param connectTimeout how long to wait for a connection to the endpoint
     * @param sendsAuthorization false for an endpoint without a key: no {@code Authorization} header goes out
     */
    public RestClientTransport(RestClient.Builder injected, Duration connectTimeout, boolean sendsAuthorization) {
        this.requests = new PerCallTimeout(new JdkHttpClientBuilder()
                .build(HttpClientSettings.defaults().withConnectTimeout(connectTimeout)));
        this.http = ProviderHttpClients.observed(injected).requestFactory(requests).build();
        this.sendsAuthorization = sendsAuthorization;
    }

    /**
     * An SDK client for the endpoint over this transport: its key, if any, as {@code Authorization: Bearer} (none at
     * all without one), no SDK retries, no SDK logging (it would print requests to stderr), {@code timeout} for calls
     * that set none.
     */
    public static OpenAIClient openAi(LlmEndpoint endpoint, RestClient.Builder injected, Duration timeout) {
        WarmUp.done();
        boolean keyed = endpoint.apiKey().isPresent();
        return new OpenAIClientImpl(ClientOptions.builder()
                .httpClient(new RestClientTransport(injected, timeout, keyed))
                .baseUrl(endpoint.baseUrl())
                .apiKey(endpoint.apiKey().orElse(NO_KEY))
                .timeout(timeout)
                .maxRetries(0)
                .logLevel(LogLevel.OFF)
                .build());
    }

    /** True when the call failed because its timeout ran out, not because the endpoint was unreachable. */
    public static boolean timedOut(OpenAIIoException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.http.HttpTimeoutException
                    || cause instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public HttpResponse execute(HttpRequest request, RequestOptions requestOptions) {
        Timeout timeout = requestOptions.getTimeout();
        requests.bound.set(timeout == null ? null : timeout.request());
        try {
            RestClient.RequestBodySpec call = http.method(HttpMethod.valueOf(request.method().name()))
                    .uri(URI.create(request.url()))
                    .headers(headers -> request.headers().names().stream()
                            .filter(name -> sendsAuthorization || !name.equalsIgnoreCase("Authorization"))
                            .forEach(name -> headers.addAll(name, request.headers().values(name))));
            HttpRequestBody body = request.body();
            if (body != null) {
                call.headers(headers -> {
                    if (body.contentType() != null) {
                        headers.set("Content-Type", body.contentType());
                    }
                    if (body.contentLength() >= 0) {
                        headers.setContentLength(body.contentLength());
                    }
                });
                call.body(body::writeTo);
            }
            return call.exchange((sent, response) -> {
                Headers.Builder headers = Headers.builder();
                response.getHeaders().forEach(headers::put);
                byte[] content;
                try (InputStream in = response.getBody()) {
                    content = in.readAllBytes();
                }
                return new Received(response.getStatusCode().value(), headers.build(), content);
            });
        } catch (RestClientException e) {
            throw new OpenAIIoException("Request failed", e);
        } finally {
            requests.bound.remove();
        }
    }

    @Override
    public CompletableFuture<HttpResponse> executeAsync(HttpRequest request, RequestOptions requestOptions) {
        // Not used by the services (their calls are blocking, on virtual threads); runs the blocking call.
        return CompletableFuture.supplyAsync(() -> execute(request, requestOptions),
                command -> Thread.ofVirtual().start(command));
    }

    @Override
    public void close() {
        // the JDK client's connections close when it is collected
    }

    /**
     * The SDK's first call loads and links a few thousand classes (its models, Jackson 2 and Kotlin reflection):
     * seconds on a busy machine, which a subtask's deadline cannot spare. One call through each path (a request
     * with messages and a function tool, a tool-call answer, an error status), against canned answers in memory,
     * at the first client's creation, so at startup.
     */
    private static final class WarmUp implements HttpClient {

        private static final String COMPLETION = """
                {"id":"chatcmpl-0","object":"chat.completion","created":0,"model":"m","choices":[{"index":0,
                 "message":{"role":"assistant","content":"ok","tool_calls":[{"id":"call_0","type":"function",
                 "function":{"name":"f","arguments":"{}"}}]},"finish_reason":"stop"}]}""";

        static {
            OpenAIClient client = new OpenAIClientImpl(ClientOptions.builder().httpClient(new WarmUp())
                    .baseUrl("http://127.0.0.1/v1").apiKey(NO_KEY).maxRetries(0).logLevel(LogLevel.OFF).build());
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("m")
                    .addSystemMessage("s").addUserMessage("u").addAssistantMessage("a")
                    .addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("f")
                            .parameters(FunctionParameters.builder()
                                    .putAdditionalProperty("type", JsonValue.from("object")).build())
                            .build()).build())
                    .toolChoice(ChatCompletionNamedToolChoice.builder().function(
                            ChatCompletionNamedToolChoice.Function.builder().name("f").build()).build())
                    .build();
            ChatCompletion completion = client.chat().completions().create(params);
            completion.choices().getFirst().message().content();
            completion.choices().getFirst().message().toolCalls().orElseThrow().getFirst().function()
                    .orElseThrow().function().arguments();
            try {
                client.chat().completions().create(params, RequestOptions.builder().timeout(Duration.ZERO).build());
            } catch (OpenAIServiceException expected) {
                // the error path is warm too
            }
        }

        static void done() {
            // the static initializer ran
        }

        @Override
        public HttpResponse execute(HttpRequest request, RequestOptions requestOptions) {
            request.body().writeTo(java.io.OutputStream.nullOutputStream());
            boolean error = requestOptions.getTimeout() != null
                    && requestOptions.getTimeout().request().isZero();
            return new Received(error ? 503 : 200, Headers.builder().put("Content-Type", "application/json").build(),
                    (error ? "{\"error\":{\"message\":\"m\"}}" : COMPLETION)
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public CompletableFuture<HttpResponse> executeAsync(HttpRequest request, RequestOptions requestOptions) {
            return CompletableFuture.completedFuture(execute(request, requestOptions));
        }

        @Override
        public void close() {
        }
    }

    /** A whole response, read before the exchange ended (so before its observation stopped). */
    private record Received(int status, Headers headers, byte[] content) implements HttpResponse {

        @Override
        public int statusCode() {
            return status;
        }

        @Override
        public InputStream body() {
            return new ByteArrayInputStream(content);
        }

        @Override
        public void close() {
        }
    }

    /**
     * JDK requests whose read timeout is the running call's, set by {@link #execute} on its thread: the RestClient
     * creates the request on the calling thread, and its factory is fixed when it is built.
     */
    private static final class PerCallTimeout implements ClientHttpRequestFactory {

        private final java.net.http.HttpClient client;
        private final ThreadLocal<Duration> bound = new ThreadLocal<>();

        PerCallTimeout(java.net.http.HttpClient client) {
            this.client = client;
        }

        @Override
        public ClientHttpRequest createRequest(URI uri, HttpMethod method) throws IOException {
            JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(client,
                    command -> Thread.ofVirtual().start(command));
            Duration timeout = bound.get();
            if (timeout != null) {
                factory.setReadTimeout(timeout);
            }
            return factory.createRequest(uri, method);
        }
    }
}
