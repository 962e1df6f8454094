package dev.maestro.field.structured;

import dev.maestro.core.json.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One typed record of a table: its id, its fields in input order and where it was read from.
 *
 * <p>Field values are {@link String}, {@link Long}, {@link Double} (finite), {@link Boolean} or a
 * {@link List} of those (a multi-valued field); a field whose value was null or empty is absent.
 * The id field is one of the fields. The content hash covers the table, the id and the typed
 * fields, not the location, so a record that only moved in its file is not embedded again.
 *
 * @param table the table's name
 * @param id the record's id, unique within the table
 * @param fields the fields by name, in input order
 * @param file the file it was read from (as given to the reader)
 * @param line the 1-based line it starts on
 */
public record StructuredRecord(
    String table, String id, Map<String, Object> fields, String file, int line) {

  /** What a table name or field name may be: a letter, digit or underscore, then also . and -. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]*");

  public StructuredRecord {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(file, "file");
    if (!NAME.matcher(table).matches())
      throw new IllegalArgumentException("table name must match " + NAME + ": " + table);
    if (id.isBlank()) throw new IllegalArgumentException("record id must not be blank");
    var copy = new LinkedHashMap<String, Object>();
    fields.forEach(
        (k, v) -> {
          if (!NAME.matcher(k).matches())
            throw new IllegalArgumentException("field name must match " + NAME + ": " + k);
          copy.put(k, checked(k, v));
        });
    fields = Collections.unmodifiableMap(copy);
  }

  private static Object checked(String name, Object v) {
    if (v instanceof List<?> list) {
      var out = new ArrayList<>(list.size());
      for (Object e : list) {
        if (e instanceof List<?>)
          throw new IllegalArgumentException("field " + name + ": nested lists are not supported");
        out.add(checked(name, e));
      }
      return List.copyOf(out);
    }
    return switch (v) {
      case String s -> s;
      case Long l -> l;
      case Double d when Double.isFinite(d) -> d;
      case Boolean b -> b;
      case null -> throw new IllegalArgumentException("field " + name + " is null");
      default ->
          throw new IllegalArgumentException(
              "field " + name + ": unsupported value " + v + " (" + v.getClass().getName() + ")");
    };
  }

  /** The record's key in the index: {@code table/id}. */
  public String key() {
    return table + "/" + id;
  }

  /** {@code file#line}. */
  public String location() {
    return file + "#" + line;
  }

  /** SHA-256 over the canonical JSON of the table, id and typed fields (not the location). */
  public String contentHash() {
    var content = new TreeMap<String, Object>();
    content.put("table", table);
    content.put("id", id);
    content.put("fields", new TreeMap<>(fields));
    return Json.canonicalSha256(content);
  }

  /**
   * The record as one line of text, what BM25 and the embedder see and what enters the context:
   * {@code table: NAME; field: value; ...} in field order, list values joined by {@code ", "}.
   */
  public String rendered() {
    var sb = new StringBuilder("table: ").append(table);
    fields.forEach((k, v) -> sb.append("; ").append(k).append(": ").append(text(v)));
    return sb.toString();
  }

  /** Every value of field {@code name} as lower-cased text (empty when absent). */
  List<String> keywords(String name) {
    Object v = fields.get(name);
    if (v == null) return List.of();
    if (v instanceof List<?> list) return list.stream().map(StructuredRecord::keyword).toList();
    return List.of(keyword(v));
  }

  static String keyword(Object scalar) {
    return text(scalar).strip().toLowerCase(Locale.ROOT);
  }

  static String text(Object v) {
    if (v instanceof List<?> list) {
      var sb = new StringBuilder();
      for (Object e : list) sb.append(sb.isEmpty() ? "" : ", ").append(text(e));
      return sb.toString();
    }
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15)
      return Long.toString(d.longValue());
    return String.valueOf(v);
  }
}
