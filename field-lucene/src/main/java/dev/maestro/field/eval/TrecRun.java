package dev.maestro.field.eval;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A TREC run file: lines {@code qid Q0 docid rank score tag}, one per retrieved document. */
public final class TrecRun {

  /** One retrieved document of one query. */
  public record Entry(String docId, int rank, double score) {}

  private TrecRun() {}

  /** Writes {@code run} (query id to entries, best first) with {@code tag}. */
  public static void write(Path file, Map<String, List<Entry>> run, String tag) {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (var q : run.entrySet())
        for (Entry e : q.getValue())
          out.write(
              q.getKey()
                  + " Q0 "
                  + e.docId()
                  + " "
                  + e.rank()
                  + " "
                  + e.score()
                  + " "
                  + tag
                  + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Reads a run: query id to entries in file order. */
  public static Map<String, List<Entry>> read(Path file) {
    Map<String, List<Entry>> run = new LinkedHashMap<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String s;
      int line = 0;
      while ((s = in.readLine()) != null) {
        line++;
        if (s.isBlank()) continue;
        String[] f = s.trim().split("\\s+");
        if (f.length < 5)
          throw new IllegalArgumentException(
              file + ":" + line + ": expected qid Q0 docid rank score tag");
        try {
          run.computeIfAbsent(f[0], q -> new ArrayList<>())
              .add(new Entry(f[2], Integer.parseInt(f[3]), Double.parseDouble(f[4])));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(file + ":" + line + ": bad rank or score", e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return run;
  }
}
