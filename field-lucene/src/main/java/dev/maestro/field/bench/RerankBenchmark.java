package dev.maestro.field.bench;

import dev.maestro.field.Candidate;
import dev.maestro.field.Chunk;
import dev.maestro.field.Chunker;
import dev.maestro.field.Document;
import dev.maestro.field.FieldIndex;
import dev.maestro.field.Fusion;
import dev.maestro.field.MiniLmEmbedder;
import dev.maestro.field.ShippedCorpus;
import dev.maestro.field.rerank.LearnedReranker;
import dev.maestro.field.rerank.QueryPool;
import dev.maestro.field.rerank.RerankFeatures;
import dev.maestro.field.rerank.RerankManifest;
import dev.maestro.field.rerank.RerankTrainer;
import dev.maestro.local.bench.Benchmark;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The stage-2 learned reranker's latency (BRIEF §13: p99 < 50 ms): per query, {@code candidates}
 * (default 200) hybrid chunks of the shipped corpus are featurised and scored in one ONNX Runtime
 * call, then sorted. The model is {@code -P model=DIR} (e.g. one trained by {@code maestro
 * train-reranker}) or, without it, a small one trained here on a labelled fixture derived from the
 * shipped corpus (each query a chunk's opening words, relevant: its document); the output's {@code
 * model} says which. Stage-1 retrieval is not timed ({@code bench recall} measures it).
 */
public final class RerankBenchmark implements Benchmark {

  @Override
  public String name() {
    return "rerank";
  }

  @Override
  public String description() {
    return "stage-2 learned reranker: features + one batched ONNX call over 200 candidates per query: p50/p99 (target p99 < 50 ms)";
  }

  @Override
  public Map<String, Object> run(Path workDir, Map<String, String> params, PrintStream progress)
      throws Exception {
    int k = Integer.parseInt(params.getOrDefault("candidates", "200"));
    int queryCount = Integer.parseInt(params.getOrDefault("queries", "300"));
    int warmup = Integer.parseInt(params.getOrDefault("warmup", "100"));
    String modelParam = params.get("model");

    List<Document> docs = ShippedCorpus.documents();
    List<String> queries = new ArrayList<>();
    List<String> relevant = new ArrayList<>();
    for (Document d : docs)
      for (Chunk c : Chunker.DEFAULT.chunk(d)) {
        String[] words = c.text().strip().split("\\s+");
        if (words.length < 8) continue;
        queries.add(String.join(" ", List.of(words).subList(0, Math.min(12, words.length))));
        relevant.add(d.id());
      }
    progress.printf(
        "rerank: shipped corpus, %d documents, %d fixture queries%n", docs.size(), queries.size());

    try (MiniLmEmbedder embedder = MiniLmEmbedder.load();
        FieldIndex index = FieldIndex.open(workDir.resolve("field"), embedder)) {
      index.ingest(docs, false, progress);
      progress.printf("rerank: %d chunks indexed%n", index.chunkCount());
      List<float[]> vectors = embedder.embed(queries);
      var features = new RerankFeatures();
      List<QueryPool> pools = new ArrayList<>();
      for (int i = 0; i < queries.size(); i++)
        pools.add(
            QueryPool.of(
                index, features, Fusion.DEFAULT, "q" + i, queries.get(i), vectors.get(i), k, 1, k));

      Path modelDir;
      String modelSource;
      if (modelParam != null) {
        modelDir = Path.of(modelParam);
        modelSource = "given: " + modelDir;
      } else {
        modelDir = workDir.resolve("reranker");
        RerankTrainer trainer = RerankTrainer.load();
        List<float[]> rows = new ArrayList<>();
        List<Float> labels = new ArrayList<>();
        for (int i = 0; i < pools.size(); i++) {
          float[] y = pools.get(i).labels(Map.of(relevant.get(i), 1));
          for (int j = 0; j < y.length; j++) {
            rows.add(pools.get(i).features()[j]);
            labels.add(y[j]);
          }
        }
        float[] yy = new float[labels.size()];
        for (int i = 0; i < yy.length; i++) yy[i] = labels.get(i);
        byte[] onnx = trainer.train(rows.toArray(float[][]::new), yy, progress);
        RerankManifest.current(
                trainer.objective(),
                Map.of("fixture", "shipped corpus, chunk openings as queries", "rows", yy.length))
            .write(modelDir, onnx);
        modelSource = "trained here on the shipped-corpus fixture (" + yy.length + " rows)";
      }
      progress.println("rerank: model " + modelSource);

      try (LearnedReranker reranker = LearnedReranker.load(modelDir, index::documentChunks)) {
        Histogram total = new Histogram(60_000_000L, 3);
        Histogram featureTime = new Histogram(60_000_000L, 3);
        Histogram onnxTime = new Histogram(60_000_000L, 3);
        long scored = 0;
        for (int i = 0; i < warmup + queryCount; i++) {
          QueryPool p = pools.get(i % pools.size());
          List<Candidate> cs = p.reranked();
          long s = System.nanoTime();
          List<Candidate> out = reranker.rerank(p.query(), cs);
          long e = System.nanoTime();
          float[][] rows = features.extract(p.query(), cs, index::documentChunks);
          long f = System.nanoTime();
          reranker.predict(rows);
          long o = System.nanoTime();
          if (i < warmup) continue;
          scored += out.size();
          total.recordValue((e - s) / 1000);
          featureTime.recordValue((f - e) / 1000);
          onnxTime.recordValue((o - f) / 1000);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("corpus", "shipped licence corpus, " + index.chunkCount() + " chunks");
        result.put("model", modelSource);
        result.put("features", RerankFeatures.COUNT);
        result.put("queries", queryCount);
        result.put("mean_candidates", scored / Math.max(1, queryCount));
        result.put("cores", Runtime.getRuntime().availableProcessors());
        result.put("rerank_total", figures(total));
        result.put("features_only", figures(featureTime));
        result.put("onnx_only", figures(onnxTime));
        result.put("target_p99_ms", 50);
        result.put("meets_target", total.getValueAtPercentile(99) / 1000.0 < 50);
        return result;
      }
    }
  }

  private static Map<String, Object> figures(Histogram h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("p50_ms", h.getValueAtPercentile(50) / 1000.0);
    m.put("p99_ms", h.getValueAtPercentile(99) / 1000.0);
    m.put("max_ms", h.getMaxValue() / 1000.0);
    return m;
  }
}
