package dev.maestro.policy.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The protobuf wire format, as much of it as writing an ONNX model takes: varints, 32-bit floats,
 * strings and nested messages, repeated fields written unpacked. Used where a model is built rather
 * than trained by an ONNX tool: the exported tree ensembles and the small generated graphs of the
 * plumbing tests.
 */
public final class OnnxProto {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** A varint field (int32, int64, enum, bool); negative values take ten bytes, as protobuf's. */
  public OnnxProto varint(int field, long value) {
    tag(field, 0);
    raw(value);
    return this;
  }

  /** A 32-bit float field. */
  public OnnxProto float32(int field, float value) {
    tag(field, 5);
    int bits = Float.floatToIntBits(value);
    for (int i = 0; i < 4; i++) out.write(bits >>> (8 * i));
    return this;
  }

  /** A string field, UTF-8. */
  public OnnxProto string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  /** A nested message field. */
  public OnnxProto message(int field, OnnxProto value) {
    return bytes(field, value.bytes());
  }

  /** A length-delimited field holding {@code bytes} (an encoded message or raw data). */
  public OnnxProto bytes(int field, byte[] bytes) {
    tag(field, 2);
    raw(bytes.length);
    out.writeBytes(bytes);
    return this;
  }

  /** What has been written. */
  public byte[] bytes() {
    return out.toByteArray();
  }

  private void tag(int field, int wireType) {
    raw(((long) field << 3) | wireType);
  }

  private void raw(long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }
}
