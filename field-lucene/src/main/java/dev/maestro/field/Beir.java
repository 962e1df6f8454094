package dev.maestro.field;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the BEIR layout and plain document folders: a corpus JSONL ({@code _id, title, text}), a
 * queries JSONL ({@code _id, text}), qrels TSV ({@code query-id corpus-id score} with a header),
 * and a folder of {@code .txt}/{@code .md} files (one document each, id = file name).
 */
public final class Beir {

  private Beir() {}

  /** The documents of a corpus JSONL; {@code source} records the file and line. */
  public static List<Document> readCorpus(Path jsonl) {
    List<Document> docs = new ArrayList<>();
    forEachJson(
        jsonl,
        (node, line) ->
            docs.add(
                new Document(
                    required(node, "_id", jsonl, line),
                    node.path("title").asText(""),
                    node.path("text").asText(""),
                    jsonl.getFileName() + ":" + line)));
    return docs;
  }

  /** Query id to query text, in file order. */
  public static Map<String, String> readQueries(Path jsonl) {
    Map<String, String> queries = new LinkedHashMap<>();
    forEachJson(
        jsonl,
        (node, line) ->
            queries.put(required(node, "_id", jsonl, line), node.path("text").asText("")));
    return queries;
  }

  /** Query id to (document id to graded relevance); a header line is skipped. */
  public static Map<String, Map<String, Integer>> readQrels(Path tsv) {
    Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
    try (BufferedReader in = Files.newBufferedReader(tsv, StandardCharsets.UTF_8)) {
      String s;
      int line = 0;
      while ((s = in.readLine()) != null) {
        line++;
        if (s.isBlank()) continue;
        String[] f = s.trim().split("\\s+");
        if (line == 1 && f[0].equals("query-id")) continue;
        if (f.length < 3)
          throw new IllegalArgumentException(
              tsv + ":" + line + ": expected query-id corpus-id score");
        qrels.computeIfAbsent(f[0], q -> new LinkedHashMap<>()).put(f[1], Integer.parseInt(f[2]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + tsv, e);
    }
    return qrels;
  }

  /**
   * The documents at {@code path}: a JSONL corpus, or a folder whose {@code .txt} and {@code .md}
   * files (searched recursively, sorted by path) are one document each, titled by their first line.
   */
  public static List<Document> readDocuments(Path path) {
    if (Files.isRegularFile(path)) {
      if (path.toString().endsWith(".jsonl")) return readCorpus(path);
      return List.of(
          fileDocument(path.getParent() == null ? Path.of(".") : path.getParent(), path));
    }
    if (!Files.isDirectory(path))
      throw new IllegalArgumentException("no such file or folder: " + path);
    try (Stream<Path> files = Files.walk(path)) {
      return files
          .filter(Files::isRegularFile)
          .filter(p -> p.toString().endsWith(".txt") || p.toString().endsWith(".md"))
          .sorted()
          .map(p -> fileDocument(path, p))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + path, e);
    }
  }

  private static Document fileDocument(Path root, Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      String id = root.relativize(file).toString().replace('\\', '/').replace('#', '_');
      String title = text.strip().lines().findFirst().orElse("").strip();
      if (title.length() > 200) title = title.substring(0, 200);
      return new Document(id, title, text, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private interface JsonLine {
    void accept(JsonNode node, int line);
  }

  private static void forEachJson(Path jsonl, JsonLine consumer) {
    try (BufferedReader in = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
      String s;
      int line = 0;
      while ((s = in.readLine()) != null) {
        line++;
        if (s.isBlank()) continue;
        JsonNode node;
        try {
          node = Json.mapper().readTree(s);
        } catch (IOException e) {
          throw new IllegalArgumentException(jsonl + ":" + line + ": not JSON", e);
        }
        consumer.accept(node, line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + jsonl, e);
    }
  }

  private static String required(JsonNode node, String field, Path file, int line) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull() || v.asText().isBlank())
      throw new IllegalArgumentException(file + ":" + line + ": missing " + field);
    return v.asText();
  }
}
