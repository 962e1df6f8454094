package dev.maestro.ranker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.error.InvalidInputException;
import dev.maestro.core.error.InvalidInputException.FieldError;
import dev.maestro.core.json.Json;
import dev.maestro.field.rerank.RerankFeatures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code POST /rerank} body, validated and turned into {@link RerankFeatures} rows (version
 * {@value RerankFeatures#VERSION}, missing features as {@link Float#NaN}).
 *
 * <p>Two forms are accepted. Named features per candidate: {@code {"query": "...", "candidates":
 * [{"id": "c1", "features": {"bm25": 12.5, "cosine": null}}, ...]}}; or precomputed rows: {@code
 * {"featureNames": ["bm25", ...], "rows": [[12.5, ...], ...], "ids": ["c1", ...]}} ({@code ids}
 * optional; without it the response orders row indexes). A feature left out or given as {@code
 * null} is missing. Every rejection is an {@link InvalidInputException} whose JSON pointers name
 * the offending fields.
 *
 * @param query the query text, or null (informational: the rows already encode it)
 * @param ids the candidates' ids in row order, or null for the rows form without ids
 * @param rows one feature vector per candidate, {@link RerankFeatures#COUNT} wide
 */
public record RerankRequest(String query, List<String> ids, float[][] rows) {

  /** The most field errors one response lists; the rest are counted in the summary only. */
  static final int MAX_ERRORS = 20;

  private static final Set<String> TOP_LEVEL =
      Set.of("query", "candidates", "featureNames", "rows", "ids");
  private static final Set<String> CANDIDATE_FIELDS = Set.of("id", "features");
  private static final Map<String, Integer> INDEX = index();

  /** Compact constructor: {@code ids}, when given, has one id per row. */
  public RerankRequest {
    if (ids != null) {
      ids = List.copyOf(ids);
      if (ids.size() != rows.length) {
        throw new IllegalArgumentException(ids.size() + " ids for " + rows.length + " rows");
      }
    }
  }

  /**
   * Parses and validates {@code body}.
   *
   * @param maxCandidates the most candidates (or rows) one request may carry
   * @throws InvalidInputException naming every offending field (up to {@value #MAX_ERRORS})
   */
  public static RerankRequest parse(String body, int maxCandidates) {
    JsonNode root = Json.readDocument(body);
    if (!root.isObject()) throw InvalidInputException.of("", "a JSON object is required");
    Errors errors = new Errors();
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!TOP_LEVEL.contains(field)) {
        errors.add("/" + escape(field), "unknown field; expected one of " + sorted(TOP_LEVEL));
      }
    }
    String query = null;
    JsonNode q = root.get("query");
    if (q != null && !q.isNull()) {
      if (q.isTextual()) query = q.asText();
      else errors.add("/query", "must be a string");
    }
    boolean candidates = root.has("candidates");
    boolean rows = root.has("rows") || root.has("featureNames");
    RerankRequest request = null;
    if (candidates && rows) {
      errors.add("/candidates", "give either candidates or featureNames and rows, not both");
    } else if (candidates) {
      request = candidates(query, root.get("candidates"), maxCandidates, errors);
    } else if (rows) {
      request = rows(query, root, maxCandidates, errors);
    } else {
      errors.add("/candidates", "required (or featureNames and rows)");
    }
    errors.throwIfAny();
    return request;
  }

  private static RerankRequest candidates(
      String query, JsonNode list, int maxCandidates, Errors errors) {
    if (!list.isArray()) {
      errors.add("/candidates", "must be an array");
      return null;
    }
    if (list.size() > maxCandidates) {
      errors.add(
          "/candidates",
          "at most " + maxCandidates + " candidates per request, got " + list.size());
      return null;
    }
    List<String> ids = new ArrayList<>(list.size());
    float[][] rows = new float[list.size()][];
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String at = "/candidates/" + i;
      JsonNode c = list.get(i);
      rows[i] = missingRow();
      if (!c.isObject()) {
        errors.add(at, "must be an object with id and features");
        ids.add(null);
        continue;
      }
      for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        if (!CANDIDATE_FIELDS.contains(field)) {
          errors.add(at + "/" + escape(field), "unknown field; expected id and features");
        }
      }
      JsonNode id = c.get("id");
      if (id == null || !(id.isTextual() || id.isIntegralNumber()) || id.asText().isEmpty()) {
        errors.add(at + "/id", "required: a non-empty string");
        ids.add(null);
      } else if (!seen.add(id.asText())) {
        errors.add(at + "/id", "duplicate id " + id.asText());
        ids.add(id.asText());
      } else {
        ids.add(id.asText());
      }
      JsonNode features = c.get("features");
      if (features == null || !features.isObject()) {
        errors.add(at + "/features", "required: an object of feature name to number or null");
        continue;
      }
      for (Map.Entry<String, JsonNode> f : features.properties()) {
        String pointer = at + "/features/" + escape(f.getKey());
        Integer index = INDEX.get(f.getKey());
        if (index == null) {
          errors.add(pointer, unknownFeature());
          continue;
        }
        rows[i][index] = value(f.getValue(), pointer, errors);
      }
    }
    return errors.isEmpty() ? new RerankRequest(query, ids, rows) : null;
  }

  private static RerankRequest rows(String query, JsonNode root, int maxCandidates, Errors errors) {
    JsonNode names = root.get("featureNames");
    JsonNode list = root.get("rows");
    int[] columns = null;
    if (names == null || !names.isArray()) {
      errors.add("/featureNames", "required with rows: an array of feature names");
    } else {
      columns = new int[names.size()];
      Set<String> seen = new HashSet<>();
      for (int j = 0; j < names.size(); j++) {
        JsonNode name = names.get(j);
        Integer index = name.isTextual() ? INDEX.get(name.asText()) : null;
        if (index == null) errors.add("/featureNames/" + j, unknownFeature());
        else if (!seen.add(name.asText())) errors.add("/featureNames/" + j, "duplicate name");
        else columns[j] = index;
      }
    }
    if (list == null || !list.isArray()) {
      errors.add("/rows", "required with featureNames: an array of rows");
      return null;
    }
    if (list.size() > maxCandidates) {
      errors.add("/rows", "at most " + maxCandidates + " rows per request, got " + list.size());
      return null;
    }
    List<String> ids = ids(root.get("ids"), list.size(), errors);
    if (columns == null || !errors.isEmpty()) return null;
    float[][] rows = new float[list.size()][];
    for (int i = 0; i < list.size(); i++) {
      JsonNode row = list.get(i);
      rows[i] = missingRow();
      if (!row.isArray() || row.size() != columns.length) {
        errors.add(
            "/rows/" + i,
            "must be an array of "
                + columns.length
                + " values (one per featureNames entry)"
                + (row.isArray() ? ", got " + row.size() : ""));
        continue;
      }
      for (int j = 0; j < columns.length; j++) {
        rows[i][columns[j]] = value(row.get(j), "/rows/" + i + "/" + j, errors);
      }
    }
    return errors.isEmpty() ? new RerankRequest(query, ids, rows) : null;
  }

  private static List<String> ids(JsonNode node, int rows, Errors errors) {
    if (node == null || node.isNull()) return null;
    if (!node.isArray() || node.size() != rows) {
      errors.add("/ids", "must be an array of " + rows + " ids, one per row");
      return null;
    }
    List<String> ids = new ArrayList<>(rows);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < rows; i++) {
      JsonNode id = node.get(i);
      if (!(id.isTextual() || id.isIntegralNumber()) || id.asText().isEmpty()) {
        errors.add("/ids/" + i, "must be a non-empty string");
      } else if (!seen.add(id.asText())) {
        errors.add("/ids/" + i, "duplicate id " + id.asText());
      }
      ids.add(id.asText());
    }
    return ids;
  }

  private static float value(JsonNode v, String pointer, Errors errors) {
    if (v == null || v.isNull()) return Float.NaN;
    if (!v.isNumber()) {
      errors.add(pointer, "must be a number or null (null: the feature does not apply)");
      return Float.NaN;
    }
    float f = (float) v.asDouble();
    if (!Float.isFinite(f)) {
      errors.add(pointer, "out of range for a 32-bit float");
      return Float.NaN;
    }
    return f;
  }

  private static float[] missingRow() {
    float[] row = new float[RerankFeatures.COUNT];
    Arrays.fill(row, Float.NaN);
    return row;
  }

  private static String unknownFeature() {
    return "not a rerank feature (v"
        + RerankFeatures.VERSION
        + "); known: "
        + String.join(", ", RerankFeatures.NAMES);
  }

  private static Map<String, Integer> index() {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < RerankFeatures.COUNT; i++) index.put(RerankFeatures.NAMES.get(i), i);
    return Map.copyOf(index);
  }

  private static String sorted(Set<String> names) {
    return String.join(", ", names.stream().sorted().toList());
  }

  /** A JSON pointer token (RFC 6901): {@code ~} and {@code /} escaped. */
  private static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  /** The field errors found so far, capped at {@link #MAX_ERRORS}. */
  private static final class Errors {
    private final List<FieldError> list = new ArrayList<>();

    void add(String pointer, String detail) {
      list.add(new FieldError(pointer, detail));
    }

    boolean isEmpty() {
      return list.isEmpty();
    }

    void throwIfAny() {
      if (list.isEmpty()) return;
      throw new InvalidInputException(list.subList(0, Math.min(list.size(), MAX_ERRORS)));
    }
  }
}
