package dev.maestro.field.bench;

import dev.maestro.field.MiniLmEmbedder;
import dev.maestro.field.structured.ShippedTable;
import dev.maestro.field.structured.StructuredHit;
import dev.maestro.field.structured.StructuredIndex;
import dev.maestro.field.structured.StructuredIngestReport;
import dev.maestro.field.structured.StructuredReader;
import dev.maestro.field.structured.StructuredRecord;
import dev.maestro.local.bench.Benchmark;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * {@code maestro bench recall-structured}: the structured channel's recall over the shipped SPDX
 * table (727 real records; not scaled up with invented rows), end to end (goal parsed, goal
 * embedded, exact + BM25 + HNSW searches, merge), with {@code k} candidates per query. The queries
 * come from the table itself, three kinds in turn: {@code id:ID}, the licence's {@code "quoted
 * name"} and its name as loose words; for each kind it reports how often the licence asked for came
 * first.
 */
public final class StructuredRecallBenchmark implements Benchmark {

  /** For {@link java.util.ServiceLoader}. */
  public StructuredRecallBenchmark() {}

  @Override
  public String name() {
    return "recall-structured";
  }

  @Override
  public String description() {
    return "structured recall (exact field:value + BM25 + HNSW) of k records over the shipped SPDX"
        + " table (727 rows): p50/p99 and top-1 accuracy per query kind";
  }

  @Override
  public Map<String, Object> run(Path workDir, Map<String, String> params, PrintStream progress)
      throws Exception {
    int k = Integer.parseInt(params.getOrDefault("k", "300"));
    int queryCount = Integer.parseInt(params.getOrDefault("queries", "300"));
    int warmup = Integer.parseInt(params.getOrDefault("warmup", "60"));
    List<StructuredRecord> records =
        StructuredReader.read(ShippedTable.writeTo(workDir.resolve("table")), null, "id");
    String[] kinds = {"id_pair", "quoted_name", "loose_name"};
    try (MiniLmEmbedder embedder = MiniLmEmbedder.load();
        StructuredIndex index = StructuredIndex.open(workDir.resolve("index"), embedder)) {
      StructuredIngestReport r = index.ingest(records, false, progress);
      progress.printf(
          "recall-structured: %d records indexed in %.1f s%n", r.records(), r.millis() / 1000.0);
      for (int i = 0; i < warmup; i++) {
        StructuredRecord rec = records.get((i * 7919) % records.size());
        index.search(goal(kinds[i % 3], rec), null, k);
      }
      Histogram all = new Histogram(60_000_000L, 3);
      int[] asked = new int[3], first = new int[3];
      long candidates = 0;
      long t0 = System.nanoTime();
      for (int i = 0; i < queryCount; i++) {
        StructuredRecord rec = records.get(((i + warmup) * 7919) % records.size());
        int kind = i % 3;
        long s = System.nanoTime();
        List<StructuredHit> hits = index.search(goal(kinds[kind], rec), null, k);
        all.recordValue((System.nanoTime() - s) / 1000);
        candidates += hits.size();
        asked[kind]++;
        if (!hits.isEmpty() && hits.getFirst().record().id().equals(rec.id())) first[kind]++;
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("table", ShippedTable.TABLE + " (" + r.records() + " records, shipped, real)");
      out.put("ingest_s", Math.round(r.millis() / 100.0) / 10.0);
      out.put("k", k);
      out.put("queries", queryCount);
      out.put("mean_candidates", candidates / Math.max(1, queryCount));
      Map<String, Object> latency = new LinkedHashMap<>();
      latency.put("p50_ms", all.getValueAtPercentile(50) / 1000.0);
      latency.put("p99_ms", all.getValueAtPercentile(99) / 1000.0);
      latency.put("max_ms", all.getMaxValue() / 1000.0);
      latency.put("queries_per_s", Math.round(queryCount / secs * 10) / 10.0);
      out.put("end_to_end", latency);
      Map<String, Object> top1 = new LinkedHashMap<>();
      for (int i = 0; i < 3; i++)
        top1.put(kinds[i], asked[i] == 0 ? 0 : Math.round(1000.0 * first[i] / asked[i]) / 1000.0);
      out.put("top1_accuracy", top1);
      out.put("target_p99_ms", 50);
      out.put("meets_target", all.getValueAtPercentile(99) / 1000.0 < 50);
      return out;
    }
  }

  private static String goal(String kind, StructuredRecord r) {
    String name = String.valueOf(r.fields().get("name"));
    return switch (kind) {
      case "id_pair" -> "What are the terms of the licence id:" + r.id() + "?";
      case "quoted_name" -> "Is \"" + name + "\" approved by the OSI?";
      default -> "Is the " + name + " approved by the OSI?";
    };
  }
}
