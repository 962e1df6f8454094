package dev.maestro.policy.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.maestro.core.policy.learned.LearnedModel;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Objects;

/**
 * One classifier of the learned policy, scored by ONNX Runtime: a tree ensemble exported by {@code
 * maestro policy train}, taking a float tensor {@code [rows, features]} named {@link #INPUT} and
 * answering the positive-class probability per row as {@link #OUTPUT} ({@code [rows, 1]} or {@code
 * [rows]}). The session is created once and shared; ONNX Runtime sessions are thread-safe.
 */
public final class OnnxModel implements LearnedModel, AutoCloseable {

  /** The graph input's name. */
  public static final String INPUT = "features";

  /** The graph output's name. */
  public static final String OUTPUT = "probability";

  private final OrtEnvironment env;
  private final OrtSession session;
  private final int features;
  private final String name;
  private final ThreadLocal<FloatBuffer> buffers = new ThreadLocal<>();
  private static final java.util.Set<String> OUTPUTS = java.util.Set.of(OUTPUT);

  private OnnxModel(OrtEnvironment env, OrtSession session, int features, String name) {
    this.env = env;
    this.session = session;
    this.features = features;
    this.name = name;
  }

  /**
   * Loads the model in {@code bytes} (an ONNX graph) that takes {@code features} features; {@code
   * name} says where it came from in errors.
   *
   * @throws IllegalArgumentException if the graph does not load or its input or output is not the
   *     one this class scores
   */
  public static OnnxModel load(byte[] bytes, int features, String name) {
    Objects.requireNonNull(bytes, "bytes");
    return LargeStack.call(() -> create(bytes, features, name), name);
  }

  private static OnnxModel create(byte[] bytes, int features, String name) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try {
      var options = new OrtSession.SessionOptions();
      // Small ensembles score in microseconds; a thread pool would cost more than it saves.
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      OrtSession session = env.createSession(bytes, options);
      if (!session.getInputNames().contains(INPUT)) {
        session.close();
        throw new IllegalArgumentException(
            name + ": the model's input is " + session.getInputNames() + ", expected " + INPUT);
      }
      if (!session.getOutputNames().contains(OUTPUT)) {
        session.close();
        throw new IllegalArgumentException(
            name
                + ": the model's outputs are "
                + session.getOutputNames()
                + ", expected "
                + OUTPUT);
      }
      return new OnnxModel(env, session, features, name);
    } catch (OrtException e) {
      throw new IllegalArgumentException(name + ": not a model ONNX Runtime can load: " + e, e);
    }
  }

  @Override
  public int featureCount() {
    return features;
  }

  @Override
  public double[] predict(float[][] rows) {
    int n = rows.length;
    double[] out = new double[n];
    if (n == 0) return out;
    FloatBuffer buffer = buffer(n * features);
    for (float[] row : rows) {
      if (row.length != features) {
        throw new IllegalArgumentException(
            name + ": a row has " + row.length + " features, the model takes " + features);
      }
      buffer.put(row);
    }
    buffer.flip();
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, buffer, new long[] {n, features});
        OrtSession.Result result = session.run(Map.of(INPUT, tensor), OUTPUTS)) {
      OnnxValue value = result.get(OUTPUT).orElseThrow();
      Object v = value.getValue();
      if (v instanceof float[][] matrix) {
        for (int i = 0; i < n; i++) out[i] = matrix[i][0];
      } else if (v instanceof float[] vector) {
        for (int i = 0; i < n; i++) out[i] = vector[i];
      } else {
        throw new IllegalStateException(
            name + ": unexpected output type " + v.getClass().getSimpleName());
      }
      return out;
    } catch (OrtException e) {
      throw new IllegalStateException(name + ": scoring failed: " + e.getMessage(), e);
    }
  }

  /**
   * A direct buffer of at least {@code floats}, one per thread and reused: ONNX Runtime reads a
   * direct buffer in place, where a heap buffer would be copied into a fresh direct one per call.
   */
  private FloatBuffer buffer(int floats) {
    FloatBuffer b = buffers.get();
    if (b == null || b.capacity() < floats) {
      b =
          java.nio.ByteBuffer.allocateDirect(Math.max(floats, 8 * features) * Float.BYTES)
              .order(java.nio.ByteOrder.nativeOrder())
              .asFloatBuffer();
      buffers.set(b);
    }
    b.clear();
    return b;
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(name + ": closing the session failed", e);
    }
  }
}
