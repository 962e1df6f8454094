package dev.maestro.field.structured;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.maestro.core.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a table file into {@link StructuredRecord}s, validating all of it before anything is
 * returned: JSON Lines ({@code .jsonl}, {@code .ndjson}: one JSON object a line) or CSV ({@code
 * .csv}: RFC 4180 with a header row; quoted cells may hold commas and doubled quotes, not line
 * breaks).
 *
 * <p>Every record needs a non-blank id in the id field (a string or a whole number); ids are unique
 * within the file. JSON values may be strings, numbers, booleans, null (the field is left out) or
 * arrays of those; nested objects are refused. CSV cells are typed: empty is absent, {@code
 * true}/{@code false} a boolean, a whole number without leading zeros a long, a decimal a double,
 * anything else a string. Blank lines are skipped. The first problem found is thrown as a {@link
 * StructuredInputException} naming the file, the line and the field.
 */
public final class StructuredReader {

  private static final ObjectReader STRICT =
      Json.mapper().reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
  private static final Pattern LONG = Pattern.compile("-?(0|[1-9][0-9]{0,17})");
  private static final Pattern DECIMAL =
      Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?");

  private StructuredReader() {}

  /**
   * The records of {@code file} as table {@code table} ({@code null}: the file name without its
   * extension), ids taken from field {@code idField}.
   *
   * @throws StructuredInputException on the first invalid line, field or name
   * @throws UncheckedIOException when the file cannot be read
   */
  public static List<StructuredRecord> read(Path file, String table, String idField) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    String t = table != null ? table : name.replaceFirst("\\.[^.]*$", "");
    if (!StructuredRecord.NAME.matcher(t).matches())
      throw new StructuredInputException(
          file,
          0,
          null,
          "table name '" + t + "' must match " + StructuredRecord.NAME + " (use --table NAME)");
    if (!StructuredRecord.NAME.matcher(idField).matches())
      throw new StructuredInputException(
          file, 0, null, "id field '" + idField + "' must match " + StructuredRecord.NAME);
    if (!Files.isRegularFile(file))
      throw new StructuredInputException(file, 0, null, "no such file");
    List<String> lines;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      lines = in.lines().toList();
    } catch (IOException | UncheckedIOException e) {
      throw new StructuredInputException(file, 0, null, "cannot be read as UTF-8 text: " + e);
    }
    List<StructuredRecord> records;
    if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
      records = jsonLines(file, lines, t, idField);
    } else if (lower.endsWith(".csv")) {
      records = csv(file, lines, t, idField);
    } else {
      throw new StructuredInputException(
          file, 0, null, "unknown table format: expected .jsonl, .ndjson or .csv");
    }
    if (records.isEmpty()) throw new StructuredInputException(file, 0, null, "holds no records");
    Map<String, Integer> seen = new HashMap<>();
    for (StructuredRecord r : records) {
      Integer first = seen.putIfAbsent(r.id(), r.line());
      if (first != null)
        throw new StructuredInputException(
            file,
            r.line(),
            "/" + idField,
            "duplicate id '" + r.id() + "' (first on line " + first + ")");
    }
    return records;
  }

  private static List<StructuredRecord> jsonLines(
      Path file, List<String> lines, String table, String idField) {
    var out = new ArrayList<StructuredRecord>();
    for (int i = 0; i < lines.size(); i++) {
      int line = i + 1;
      String text = i == 0 ? stripBom(lines.get(i)) : lines.get(i);
      if (text.isBlank()) continue;
      JsonNode node;
      try {
        node = STRICT.readTree(text);
      } catch (JsonProcessingException e) {
        throw new StructuredInputException(
            file, line, null, "not valid JSON: " + firstLine(e.getOriginalMessage()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (node == null || !node.isObject())
        throw new StructuredInputException(file, line, null, "must be a JSON object");
      var fields = new LinkedHashMap<String, Object>();
      for (var it = node.fields(); it.hasNext(); ) {
        var e = it.next();
        String pointer = "/" + e.getKey();
        if (!StructuredRecord.NAME.matcher(e.getKey()).matches())
          throw new StructuredInputException(
              file, line, pointer, "field names must match " + StructuredRecord.NAME);
        Object v = jsonValue(file, line, pointer, e.getValue(), true);
        if (v != null) fields.put(e.getKey(), v);
      }
      out.add(record(file, line, table, idField, fields));
    }
    return out;
  }

  private static Object jsonValue(
      Path file, int line, String pointer, JsonNode v, boolean arrayAllowed) {
    if (v.isNull()) return null;
    if (v.isTextual()) return v.textValue().isEmpty() ? null : v.textValue();
    if (v.isBoolean()) return v.booleanValue();
    if (v.isIntegralNumber()) {
      if (!v.canConvertToLong())
        throw new StructuredInputException(file, line, pointer, "number out of range: " + v);
      return v.longValue();
    }
    if (v.isNumber()) {
      double d = v.doubleValue();
      if (!Double.isFinite(d))
        throw new StructuredInputException(file, line, pointer, "number out of range: " + v);
      return d;
    }
    if (v.isArray() && arrayAllowed) {
      var list = new ArrayList<>();
      for (int i = 0; i < v.size(); i++) {
        Object e = jsonValue(file, line, pointer + "/" + i, v.get(i), false);
        if (e != null) list.add(e);
      }
      return list.isEmpty() ? null : list;
    }
    throw new StructuredInputException(
        file,
        line,
        pointer,
        v.isArray()
            ? "nested arrays are not supported"
            : "nested objects are not supported (flatten them into fields)");
  }

  private static List<StructuredRecord> csv(
      Path file, List<String> lines, String table, String idField) {
    int h = 0;
    while (h < lines.size() && lines.get(h).isBlank()) h++;
    if (h == lines.size()) throw new StructuredInputException(file, 0, null, "has no header row");
    List<String> header = cells(file, h + 1, h == 0 ? stripBom(lines.get(h)) : lines.get(h));
    var columns = new HashMap<String, Integer>();
    for (int c = 0; c < header.size(); c++) {
      String name = header.get(c).strip();
      if (!StructuredRecord.NAME.matcher(name).matches())
        throw new StructuredInputException(
            file,
            h + 1,
            "/" + name,
            "column " + (c + 1) + ": header names must match " + StructuredRecord.NAME);
      Integer before = columns.putIfAbsent(name, c);
      if (before != null)
        throw new StructuredInputException(
            file, h + 1, "/" + name, "column " + (c + 1) + " repeats column " + (before + 1));
    }
    if (!columns.containsKey(idField))
      throw new StructuredInputException(
          file, h + 1, "/" + idField, "the header has no id column (use --id-field NAME)");
    var out = new ArrayList<StructuredRecord>();
    for (int i = h + 1; i < lines.size(); i++) {
      int line = i + 1;
      if (lines.get(i).isBlank()) continue;
      List<String> row = cells(file, line, lines.get(i));
      if (row.size() != header.size())
        throw new StructuredInputException(
            file,
            line,
            null,
            "has " + row.size() + " cells, the header has " + header.size() + " (a ragged row)");
      var fields = new LinkedHashMap<String, Object>();
      for (int c = 0; c < header.size(); c++) {
        Object v = typed(row.get(c));
        if (v != null) fields.put(header.get(c).strip(), v);
      }
      out.add(record(file, line, table, idField, fields));
    }
    return out;
  }

  private static StructuredRecord record(
      Path file, int line, String table, String idField, Map<String, Object> fields) {
    Object id = fields.get(idField);
    String pointer = "/" + idField;
    if (id == null) throw new StructuredInputException(file, line, pointer, "the id is missing");
    if (!(id instanceof String || id instanceof Long))
      throw new StructuredInputException(
          file, line, pointer, "the id must be a string or a whole number, was " + id);
    if (id.toString().isBlank())
      throw new StructuredInputException(file, line, pointer, "the id is blank");
    return new StructuredRecord(table, id.toString().strip(), fields, file.toString(), line);
  }

  /** A CSV cell as a typed value, or {@code null} when empty. */
  static Object typed(String cell) {
    String s = cell.strip();
    if (s.isEmpty()) return null;
    if (s.equalsIgnoreCase("true")) return Boolean.TRUE;
    if (s.equalsIgnoreCase("false")) return Boolean.FALSE;
    if (LONG.matcher(s).matches()) return Long.parseLong(s);
    if (DECIMAL.matcher(s).matches()) {
      double d = Double.parseDouble(s);
      if (Double.isFinite(d)) return d;
    }
    return s;
  }

  /** The cells of one CSV line (RFC 4180 quoting, no line breaks inside a quoted cell). */
  static List<String> cells(Path file, int line, String text) {
    var out = new ArrayList<String>();
    var cell = new StringBuilder();
    int i = 0, n = text.length();
    while (true) {
      cell.setLength(0);
      if (i < n && text.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= n)
            throw new StructuredInputException(
                file,
                line,
                null,
                "cell "
                    + (out.size() + 1)
                    + ": unterminated quote (line breaks inside a quoted"
                    + " cell are not supported)");
          char c = text.charAt(i++);
          if (c == '"') {
            if (i < n && text.charAt(i) == '"') {
              cell.append('"');
              i++;
            } else break;
          } else cell.append(c);
        }
        if (i < n && text.charAt(i) != ',')
          throw new StructuredInputException(
              file,
              line,
              null,
              "cell " + (out.size() + 1) + ": text after a closing quote (quote it as \"\")");
      } else {
        while (i < n && text.charAt(i) != ',') cell.append(text.charAt(i++));
        if (cell.indexOf("\"") >= 0)
          throw new StructuredInputException(
              file,
              line,
              null,
              "cell " + (out.size() + 1) + ": a quote inside an unquoted cell (quote the cell)");
      }
      out.add(cell.toString());
      if (i >= n) return out;
      i++; // the comma
      if (i == n) {
        out.add("");
        return out;
      }
    }
  }

  private static String stripBom(String s) {
    return !s.isEmpty() && s.charAt(0) == '\uFEFF' ? s.substring(1) : s;
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}
