package dev.maestro.field.rerank;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.util.PairList;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.maestro.field.Candidate;
import dev.maestro.policy.onnx.LargeStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Stage 2 by a cross-encoder (BRIEF §10 (b)): a BERT-style pair model in ONNX that reads the query
 * and a passage together and answers a relevance logit, supplied at deploy time by a model path and
 * the Hugging Face {@code tokenizer.json} it was trained with (no such weights ship with Maestro).
 *
 * <p><b>Signature.</b> Inputs {@code input_ids}, {@code attention_mask} and optionally {@code
 * token_type_ids}, each int64 {@code [batch, seq]}; one float output {@code [batch, 1]} (the logit
 * is the score) or {@code [batch, 2]} (the score is {@code logit[1] − logit[0]}, the positive
 * class's log-odds). A model with another signature is refused at load with a message naming what
 * it has.
 *
 * <p><b>Scoring.</b> Each (query, passage) pair is tokenized as a pair ({@code [CLS] query [SEP]
 * passage [SEP]}, token types 0 then 1), truncated longest-first to {@code maxLength} tokens,
 * padded with id 0 and mask 0 to the longest pair, and every pair of a call is scored in one ONNX
 * Runtime run. The passage is the candidate's title and text, as the index embeds them.
 *
 * <p>Settings, for the ranker container and the local field source: {@value #MODEL_SETTING} (the
 * {@code .onnx} file), {@value #TOKENIZER_SETTING} (its {@code tokenizer.json}), {@value
 * #MAX_LENGTH_SETTING} (default {@value #DEFAULT_MAX_LENGTH}). Thread-safe.
 */
public final class CrossEncoderReranker implements Reranker {

  /** The setting naming the cross-encoder's ONNX file. */
  public static final String MODEL_SETTING = "MAESTRO_RERANK_CROSS_ENCODER_MODEL";

  /** The setting naming the cross-encoder's {@code tokenizer.json}. */
  public static final String TOKENIZER_SETTING = "MAESTRO_RERANK_CROSS_ENCODER_TOKENIZER";

  /** The setting naming the most tokens of one (query, passage) pair. */
  public static final String MAX_LENGTH_SETTING = "MAESTRO_RERANK_CROSS_ENCODER_MAX_LENGTH";

  /** BERT's position limit. */
  public static final int DEFAULT_MAX_LENGTH = 512;

  static final String INPUT_IDS = "input_ids";
  static final String ATTENTION_MASK = "attention_mask";
  static final String TOKEN_TYPE_IDS = "token_type_ids";

  private final OrtEnvironment env;
  private final OrtSession session;
  private final HuggingFaceTokenizer tokenizer;
  private final boolean wantsTypeIds;
  private final int maxLength;
  private final String name;

  private CrossEncoderReranker(
      OrtEnvironment env,
      OrtSession session,
      HuggingFaceTokenizer tokenizer,
      boolean wantsTypeIds,
      int maxLength,
      String name) {
    this.env = env;
    this.session = session;
    this.tokenizer = tokenizer;
    this.wantsTypeIds = wantsTypeIds;
    this.maxLength = maxLength;
    this.name = name;
  }

  /**
   * Loads the pair model at {@code model} and the tokenizer at {@code tokenizer}, truncating pairs
   * to {@code maxLength} tokens (at least 8) and running on up to {@code threads} threads.
   *
   * @throws IllegalArgumentException if a file is missing or the model's signature is not a
   *     cross-encoder's (the message names what the model has)
   */
  public static CrossEncoderReranker load(Path model, Path tokenizer, int maxLength, int threads) {
    if (maxLength < 8) throw new IllegalArgumentException("maxLength must be >= 8: " + maxLength);
    if (!Files.isRegularFile(model))
      throw new IllegalArgumentException("no cross-encoder model at " + model);
    if (!Files.isRegularFile(tokenizer))
      throw new IllegalArgumentException("no cross-encoder tokenizer at " + tokenizer);
    return LargeStack.call(() -> create(model, tokenizer, maxLength, threads), "cross-encoder");
  }

  /**
   * The cross-encoder {@code settings} name ({@value #MODEL_SETTING} and {@value
   * #TOKENIZER_SETTING}), or empty when neither is set.
   *
   * @throws IllegalArgumentException if only one is set, the length is not a number, or loading
   *     fails as in {@link #load}
   */
  public static Optional<CrossEncoderReranker> fromSettings(Map<String, String> settings) {
    String model = blankToNull(settings.get(MODEL_SETTING));
    String tok = blankToNull(settings.get(TOKENIZER_SETTING));
    if (model == null && tok == null) return Optional.empty();
    if (model == null || tok == null) {
      throw new IllegalArgumentException(
          MODEL_SETTING + " and " + TOKENIZER_SETTING + " must be set together");
    }
    int maxLength = DEFAULT_MAX_LENGTH;
    String length = blankToNull(settings.get(MAX_LENGTH_SETTING));
    if (length != null) {
      try {
        maxLength = Integer.parseInt(length);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            MAX_LENGTH_SETTING + " must be a whole number, was '" + length + "'", e);
      }
    }
    return Optional.of(
        load(Path.of(model), Path.of(tok), maxLength, Runtime.getRuntime().availableProcessors()));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static CrossEncoderReranker create(
      Path model, Path tokenizerPath, int maxLength, int threads) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession session;
    try (var options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(Math.max(1, threads));
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      session = env.createSession(model.toString(), options);
    } catch (OrtException e) {
      throw new IllegalArgumentException(
          "ONNX Runtime cannot load the cross-encoder model " + model + ": " + e.getMessage(), e);
    }
    try {
      boolean typeIds = checkSignature(session, model);
      HuggingFaceTokenizer tokenizer =
          HuggingFaceTokenizer.newInstance(
              tokenizerPath,
              Map.of(
                  "padding", "false",
                  "truncation", "true",
                  "maxLength", Integer.toString(maxLength)));
      String name = "cross-encoder:" + model.getFileName();
      return new CrossEncoderReranker(env, session, tokenizer, typeIds, maxLength, name);
    } catch (IOException e) {
      closeQuietly(session);
      throw new UncheckedIOException("cannot read the cross-encoder tokenizer " + tokenizerPath, e);
    } catch (RuntimeException e) {
      closeQuietly(session);
      throw e;
    }
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException suppressed) {
      // the load already failed; that failure is the one reported
    }
  }

  /**
   * Checks the model's inputs and output against a cross-encoder's; answers whether it takes token
   * type ids.
   */
  static boolean checkSignature(OrtSession session, Path model) {
    Map<String, NodeInfo> inputs;
    Map<String, NodeInfo> outputs;
    try {
      inputs = session.getInputInfo();
      outputs = session.getOutputInfo();
    } catch (OrtException e) {
      throw new IllegalArgumentException("cannot read the signature of " + model, e);
    }
    var problems = new ArrayList<String>();
    for (String required : List.of(INPUT_IDS, ATTENTION_MASK)) {
      if (!inputs.containsKey(required)) problems.add("no input " + required);
    }
    for (var e : inputs.entrySet()) {
      String n = e.getKey();
      if (!n.equals(INPUT_IDS) && !n.equals(ATTENTION_MASK) && !n.equals(TOKEN_TYPE_IDS)) {
        problems.add("unexpected input " + n);
      } else if (!isTensor(e.getValue(), OnnxJavaType.INT64)) {
        problems.add("input " + n + " is " + describe(e.getValue()) + ", not int64 [batch, seq]");
      }
    }
    if (outputs.size() != 1) {
      problems.add(outputs.size() + " outputs, not one");
    } else {
      NodeInfo out = outputs.values().iterator().next();
      long width =
          isTensor(out, OnnxJavaType.FLOAT) ? ((TensorInfo) out.getInfo()).getShape()[1] : 0;
      if (width != 1 && width != 2 && width != -1) {
        problems.add(
            "output "
                + out.getName()
                + " is "
                + describe(out)
                + ", not float logits [batch, 1] or [batch, 2]");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          model
              + " is not a cross-encoder (expected inputs input_ids, attention_mask and optionally"
              + " token_type_ids, int64 [batch, seq], and one float output [batch, 1] or [batch,"
              + " 2]): "
              + String.join("; ", problems)
              + "; the model has inputs "
              + signature(inputs)
              + " and outputs "
              + signature(outputs));
    }
    return inputs.containsKey(TOKEN_TYPE_IDS);
  }

  private static boolean isTensor(NodeInfo info, OnnxJavaType type) {
    return info.getInfo() instanceof TensorInfo t && t.type == type && t.getShape().length == 2;
  }

  private static String describe(NodeInfo info) {
    if (!(info.getInfo() instanceof TensorInfo t)) return info.getInfo().toString();
    return t.type.name().toLowerCase(java.util.Locale.ROOT)
        + " "
        + java.util.Arrays.toString(t.getShape());
  }

  private static String signature(Map<String, NodeInfo> infos) {
    var out = new TreeMap<String, String>();
    infos.forEach((n, i) -> out.put(n, describe(i)));
    return out.toString();
  }

  /** The most tokens of one pair. */
  public int maxLength() {
    return maxLength;
  }

  /**
   * The relevance score of each passage to {@code query}, in input order, from one ONNX Runtime
   * call.
   */
  public double[] score(String query, List<String> passages) {
    int rows = passages.size();
    if (rows == 0) return new double[0];
    var pairs = new PairList<String, String>(rows);
    for (String p : passages) pairs.add(query, p == null ? "" : p);
    Encoding[] encodings = tokenizer.batchEncode(pairs);
    int len = 1;
    for (Encoding e : encodings) len = Math.max(len, e.getIds().length);
    long[] ids = new long[rows * len];
    long[] mask = new long[rows * len];
    long[] types = new long[rows * len];
    for (int r = 0; r < rows; r++) {
      long[] tid = encodings[r].getIds();
      System.arraycopy(tid, 0, ids, r * len, tid.length);
      System.arraycopy(encodings[r].getAttentionMask(), 0, mask, r * len, tid.length);
      System.arraycopy(encodings[r].getTypeIds(), 0, types, r * len, tid.length);
    }
    long[] shape = {rows, len};
    List<OnnxTensor> tensors = new ArrayList<>(3);
    try {
      var inputs = new HashMap<String, OnnxTensor>();
      inputs.put(INPUT_IDS, tensor(ids, shape, tensors));
      inputs.put(ATTENTION_MASK, tensor(mask, shape, tensors));
      if (wantsTypeIds) inputs.put(TOKEN_TYPE_IDS, tensor(types, shape, tensors));
      try (OrtSession.Result result = session.run(inputs)) {
        float[][] logits = (float[][]) result.get(0).getValue();
        double[] scores = new double[rows];
        for (int r = 0; r < rows; r++) {
          float[] l = logits[r];
          scores[r] = l.length == 1 ? l[0] : (double) l[1] - l[0];
        }
        return scores;
      }
    } catch (OrtException e) {
      throw new IllegalStateException(name + " inference failed", e);
    } finally {
      tensors.forEach(OnnxTensor::close);
    }
  }

  private OnnxTensor tensor(long[] data, long[] shape, List<OnnxTensor> owned) throws OrtException {
    OnnxTensor t = OnnxTensor.createTensor(env, LongBuffer.wrap(data), shape);
    owned.add(t);
    return t;
  }

  /** The tokens of {@code query} and {@code passage} as this reranker feeds them (for tests). */
  long[] tokens(String query, String passage) {
    return tokenizer.encode(query, passage).getIds();
  }

  @Override
  public List<Candidate> rerank(String query, List<Candidate> candidates) {
    var passages = new ArrayList<String>(candidates.size());
    for (Candidate c : candidates) passages.add(passage(c));
    return LearnedReranker.reorder(candidates, score(query, passages));
  }

  /** What a candidate is scored as: its title and text, as the index embeds them. */
  static String passage(Candidate c) {
    String text = c.text() == null ? "" : c.text();
    return c.title() == null || c.title().isBlank() ? text : c.title() + "\n" + text;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("closing the cross-encoder session failed", e);
    } finally {
      tokenizer.close();
    }
  }
}
