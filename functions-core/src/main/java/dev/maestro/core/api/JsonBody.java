package dev.maestro.core.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.error.InvalidInputException;
import dev.maestro.core.json.Json;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * Parses a request body into a JSON object, rejecting anything the rest of the system could not
 * store or hash faithfully: malformed UTF-8 or JSON, duplicate keys, nesting deeper than {@value
 * #MAX_DEPTH}, decimals whose plain form would be enormous, and unpaired UTF-16 surrogates (which
 * cannot be encoded as UTF-8, so hashing the value would fail later). Every failure is an {@link
 * InvalidInputException}; nothing here throws anything else for any input.
 */
final class JsonBody {

  /** Deepest nesting of arrays and objects a body may have. */
  static final int MAX_DEPTH = 32;

  /** Longest number literal, in characters. */
  static final int MAX_NUMBER_LENGTH = 200;

  /**
   * Largest decimal scale magnitude: beyond it the plain (non-exponent) form the canonical writer
   * uses would be absurdly long; 400 still admits every double, subnormals included.
   */
  static final int MAX_SCALE = 400;

  private static final ObjectReader READER =
      Json.mapper()
          .reader()
          .with(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_DEPTH)
                          .maxNumberLength(MAX_NUMBER_LENGTH)
                          .maxStringLength(ApiRouter.MAX_BODY_BYTES)
                          .build())
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build());

  private JsonBody() {}

  /** The body as a JSON object. */
  static ObjectNode parseObject(byte[] body) {
    String text = decodeUtf8(body);
    if (text.isBlank()) throw InvalidInputException.of("", "a JSON object body is required");
    JsonNode tree;
    try {
      tree = READER.readTree(text);
    } catch (StreamConstraintsException e) {
      throw InvalidInputException.of(
          "",
          "JSON exceeds a limit: nesting at most "
              + MAX_DEPTH
              + " levels, numbers at most "
              + MAX_NUMBER_LENGTH
              + " characters");
    } catch (JsonEOFException e) {
      throw InvalidInputException.of(
          "", "malformed JSON: unexpected end of input" + at(e.getLocation()));
    } catch (JacksonException e) {
      throw InvalidInputException.of("", "malformed JSON" + at(e.getLocation()) + reason(e));
    } catch (NumberFormatException | ArithmeticException e) {
      // The parser lets these through for number literals it cannot represent (e.g.
      // 1e999999999999).
      throw InvalidInputException.of("", "a number is outside the supported range");
    }
    if (tree == null || tree.isMissingNode())
      throw InvalidInputException.of("", "a JSON object body is required");
    if (!tree.isObject()) throw InvalidInputException.of("", "must be a JSON object");
    var violations = new Violations();
    checkValues(tree, "", violations);
    violations.throwIfAny();
    return (ObjectNode) tree;
  }

  private static String decodeUtf8(byte[] body) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw InvalidInputException.of("", "the body is not valid UTF-8");
    }
  }

  /** Walks the tree for values that parse but cannot be stored or hashed. */
  private static void checkValues(JsonNode node, String pointer, Violations violations) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        var field = it.next();
        String child = Violations.pointer(pointer, field.getKey());
        if (hasLoneSurrogate(field.getKey())) {
          violations.add(child, "the field name contains an unpaired UTF-16 surrogate");
        }
        checkValues(field.getValue(), child, violations);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++)
        checkValues(node.get(i), Violations.pointer(pointer, i), violations);
    } else if (node.isTextual()) {
      if (hasLoneSurrogate(node.textValue()))
        violations.add(pointer, "contains an unpaired UTF-16 surrogate");
    } else if (node.isBigDecimal()) {
      if (Math.abs(node.decimalValue().scale()) > MAX_SCALE) {
        violations.add(
            pointer,
            "number is outside the supported range (exponent magnitude at most " + MAX_SCALE + ")");
      }
    }
  }

  static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return true;
        }
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  private static String at(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) return "";
    return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  /** A short reason from the parser's message, without the source excerpt the parser may append. */
  private static String reason(JacksonException e) {
    String message = e.getOriginalMessage();
    if (message == null || message.isBlank()) return "";
    int cut = message.indexOf('\n');
    if (cut >= 0) message = message.substring(0, cut);
    int source = message.indexOf(" (for ");
    if (source < 0) source = message.indexOf("[Source:");
    if (source >= 0) message = message.substring(0, source);
    if (message.length() > 200) message = message.substring(0, 200) + "...";
    return ": " + message.strip();
  }
}
