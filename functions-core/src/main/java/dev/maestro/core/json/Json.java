package dev.maestro.core.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON configuration of the wire and storage format: ISO-8601 instants, exact decimals,
 * unknown properties rejected. {@link #canonical(Object)} additionally sorts every object's keys,
 * giving the byte-stable form that event hashes are computed over.
 */
public final class Json {

  private static final ObjectMapper MAPPER = build(false);
  private static final ObjectMapper CANONICAL = build(true);

  private Json() {}

  private static ObjectMapper build(boolean canonical) {
    var builder =
        JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            // Decimals keep their scale in trees too: an envelope's payload is read through a tree,
            // and stripping there would turn a written 0.10 into 0.1 (a different record, and a
            // different hash).
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            // Strict scalars, as the exported schemas state: no 1.5 -> 1, "5" -> 5, 5 -> "5" or
            // 1 -> true.
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(
                LogicalType.Textual,
                c ->
                    c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(
                LogicalType.Boolean,
                c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail));
    if (canonical) {
      builder
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED);
    }
    return builder.build();
  }

  /** The shared mapper (thread-safe; do not reconfigure). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Serializes {@code value} to compact JSON text. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("value is not serializable: " + value.getClass(), e);
    }
  }

  /** Serializes {@code value} to UTF-8 JSON bytes. */
  public static byte[] writeBytes(Object value) {
    return write(value).getBytes(StandardCharsets.UTF_8);
  }

  /** Serializes {@code value} with every object's keys sorted: the hashing form. */
  public static byte[] canonical(Object value) {
    try {
      // Sorted properties (POJOs), sorted map entries and sorted tree properties (JsonNode values)
      // together give one byte form per value, without building an intermediate tree.
      return CANONICAL.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("value is not serializable: " + value.getClass(), e);
    }
  }

  /** SHA-256, in lower-case hex, of {@code value}'s canonical form: a content fingerprint. */
  public static String canonicalSha256(Object value) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(canonical(value)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }

  /** Parses {@code text} into {@code type}; malformed text is an {@link UncheckedIOException}. */
  public static <T> T read(String text, Class<T> type) {
    try {
      return MAPPER.readValue(text, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses {@code text} into a tree. */
  public static JsonNode tree(String text) {
    return read(text, JsonNode.class);
  }

  /** Converts a tree into {@code type}. */
  public static <T> T convert(JsonNode node, Class<T> type) {
    try {
      return MAPPER.treeToValue(node, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    }
  }

  /** Converts a value into a tree. */
  public static JsonNode toTree(Object value) {
    return MAPPER.valueToTree(value);
  }

  /** A JSON problem in one line: the parser's message, the field path and the location. */
  public static String describe(com.fasterxml.jackson.core.JsonProcessingException e) {
    var out =
        new StringBuilder(String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse(""));
    if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m
        && !m.getPath().isEmpty()) {
      out.append(" at ")
          .append(
              m.getPath().stream()
                  .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                  .collect(java.util.stream.Collectors.joining(".")));
    }
    com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
    if (at != null && at.getLineNr() > 0) {
      out.append(" (line ").append(at.getLineNr()).append(", column ").append(at.getColumnNr());
      out.append(')');
    }
    return out.toString();
  }

  private static final com.fasterxml.jackson.databind.ObjectReader STRICT_READER =
      mapper()
          .reader()
          .with(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION);

  /**
   * A configuration document's JSON tree, read strictly (a duplicate key is an error). Blank or
   * malformed input is an {@link dev.maestro.core.error.InvalidInputException} at the root pointer,
   * with the parser's first message line.
   */
  public static JsonNode readDocument(String json) {
    if (json == null || json.isBlank()) {
      throw dev.maestro.core.error.InvalidInputException.of("", "a JSON object is required");
    }
    try {
      return STRICT_READER.readTree(json);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      String message = e.getOriginalMessage() == null ? "" : ": " + e.getOriginalMessage();
      int cut = message.indexOf('\n');
      throw dev.maestro.core.error.InvalidInputException.of(
          "", "malformed JSON" + (cut >= 0 ? message.substring(0, cut) : message));
    }
  }
}
