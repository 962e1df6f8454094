package dev.maestro.field.rerank;

import dev.maestro.policy.onnx.OnnxProto;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * A generated plumbing fixture with a cross-encoder's signature, not a trained model: inputs {@code
 * input_ids}, {@code attention_mask}, {@code token_type_ids} (int64 [batch, seq]), output {@code
 * logits} (float [batch, width]), written here in protobuf wire format. It checks tokenization,
 * batching, padding and masking, truncation and the ONNX Runtime call, and says nothing about
 * ranking quality.
 *
 * <p>The graph: {@code hit = Gather(table, input_ids)} where {@code table[id]} is 1 for the {@code
 * marked} token ids and 0 otherwise; {@code density = Σ(hit · mask · type) / Σ mask} over the
 * sequence (the share of the pair's real tokens that are marked passage tokens); {@code logits =
 * MatMul(density, W)} with {@code W = [[10]]} (width 1) or {@code [[-5, 5]]} (width 2). So both
 * widths answer a score of 10 × density, padding changes nothing when the mask is right, and a
 * marked token cut off by truncation no longer counts.
 */
final class GeneratedCrossEncoder {

  /** The BERT uncased vocabulary size of the MiniLM tokenizer. */
  static final int VOCAB = 30522;

  /** Where the shipped MiniLM artifact keeps its tokenizer. */
  static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-q-tokenizer.json";

  private GeneratedCrossEncoder() {}

  /** Copies the MiniLM tokenizer out of its Maven artifact into {@code dir}. */
  static Path tokenizer(Path dir) {
    try (InputStream in = GeneratedCrossEncoder.class.getResourceAsStream(TOKENIZER_RESOURCE)) {
      if (in == null) throw new IllegalStateException(TOKENIZER_RESOURCE + " not on class path");
      Path out = dir.resolve("tokenizer.json");
      Files.write(out, in.readAllBytes());
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the pair model to {@code file}: marked ids count, logits of {@code width} 1 or 2. */
  static Path write(Path file, Set<Long> marked, int width) {
    try {
      Files.write(file, onnx(marked, width, "input_ids", 7));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The model bytes; {@code idsName} and {@code idsType} (7 int64, 1 float) of the first input can
   * be changed to build a model with the wrong signature.
   */
  static byte[] onnx(Set<Long> marked, int width, String idsName, int idsType) {
    float[] table = new float[VOCAB];
    for (long id : marked) table[(int) id] = 1f;
    float[] w =
        width == 1 ? new float[] {10f} : width == 2 ? new float[] {-5f, 5f} : new float[width];
    OnnxProto graph =
        new OnnxProto()
            .message(1, node("Gather", new String[] {"table", idsName}, "hit3"))
            .message(1, cast(ATTENTION_MASK_NAME, "maskf"))
            .message(1, cast("token_type_ids", "typef"))
            .message(1, node("Unsqueeze", new String[] {"maskf", "axis2"}, "mask3"))
            .message(1, node("Unsqueeze", new String[] {"typef", "axis2"}, "type3"))
            .message(1, node("Mul", new String[] {"hit3", "mask3"}, "m1"))
            .message(1, node("Mul", new String[] {"m1", "type3"}, "m2"))
            .message(1, reduceSum("m2", "hits", 0)) // [N, 1]
            .message(1, reduceSum("maskf", "count", 1)) // [N, 1]
            .message(1, node("Div", new String[] {"hits", "count"}, "density"))
            .message(1, node("MatMul", new String[] {"density", "w"}, "logits"))
            .string(2, "generated-cross-encoder-plumbing-fixture")
            .message(5, floats("table", new long[] {VOCAB, 1}, table))
            .message(5, floats("w", new long[] {1, width}, w))
            .message(5, longs("axis2", new long[] {1}, new long[] {2}))
            .message(5, longs("axis1", new long[] {1}, new long[] {1}))
            .message(11, valueInfo(idsName, idsType, "batch", "seq"))
            .message(11, valueInfo(ATTENTION_MASK_NAME, 7, "batch", "seq"))
            .message(11, valueInfo("token_type_ids", 7, "batch", "seq"))
            .message(12, valueInfo("logits", 1, "batch", width));
    return new OnnxProto()
        .varint(1, 8)
        .string(2, "maestro field-lucene test fixture")
        .message(7, graph)
        .message(8, new OnnxProto().string(1, "").varint(2, 13))
        .bytes();
  }

  private static final String ATTENTION_MASK_NAME = "attention_mask";

  private static OnnxProto node(String op, String[] inputs, String output) {
    OnnxProto p = new OnnxProto();
    for (String i : inputs) p.string(1, i);
    return p.string(2, output).string(3, output).string(4, op);
  }

  private static OnnxProto cast(String input, String output) {
    return node("Cast", new String[] {input}, output)
        .message(5, new OnnxProto().string(1, "to").varint(20, 2).varint(3, 1));
  }

  private static OnnxProto reduceSum(String input, String output, int keepDims) {
    return node("ReduceSum", new String[] {input, "axis1"}, output)
        .message(5, new OnnxProto().string(1, "keepdims").varint(20, 2).varint(3, keepDims));
  }

  private static OnnxProto floats(String name, long[] dims, float[] values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) raw.putFloat(v);
    return tensor(name, dims, 1, raw.array());
  }

  private static OnnxProto longs(String name, long[] dims, long[] values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) raw.putLong(v);
    return tensor(name, dims, 7, raw.array());
  }

  private static OnnxProto tensor(String name, long[] dims, int type, byte[] raw) {
    OnnxProto p = new OnnxProto();
    for (long d : dims) p.varint(1, d);
    return p.varint(2, type).string(8, name).bytes(9, raw);
  }

  /** A tensor value-info: {@code name}, element type, shape [batch, second]. */
  private static OnnxProto valueInfo(String name, int elemType, String batch, Object second) {
    OnnxProto shape = new OnnxProto().message(1, new OnnxProto().string(2, batch));
    shape.message(
        1,
        second instanceof String s
            ? new OnnxProto().string(2, s)
            : new OnnxProto().varint(1, ((Number) second).longValue()));
    OnnxProto tensorType = new OnnxProto().varint(1, elemType).message(2, shape);
    return new OnnxProto().string(1, name).message(2, new OnnxProto().message(1, tensorType));
  }
}
