package dev.maestro.field.bench;

import dev.maestro.field.Beir;
import dev.maestro.field.Chunker;
import dev.maestro.field.Document;
import dev.maestro.field.Embedder;
import dev.maestro.field.FieldIndex;
import dev.maestro.field.Fusion;
import dev.maestro.field.IngestReport;
import dev.maestro.field.MiniLmEmbedder;
import dev.maestro.field.ShippedCorpus;
import dev.maestro.local.bench.Benchmark;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.HdrHistogram.Histogram;

/**
 * Stage-1 hybrid recall over 10k+ chunks (BRIEF §13: p99 < 50 ms). The index is SciFact's abstracts
 * chunked small when {@code -P scifact=DIR} (default {@code /work/shared/data/scifact}) exists,
 * else the shipped corpus chunked small and repeated under distinct ids; the output says which.
 * Each query retrieves {@code k} (default 300) candidates per channel and fuses them; two timings:
 * end to end (query embedding + BM25 + HNSW + fusion) and retrieval alone (the vector precomputed).
 */
public final class RecallBenchmark implements Benchmark {

  static final Path DEFAULT_SCIFACT = Path.of("/work/shared/data/scifact");
  static final int MIN_CHUNKS = 10_000;

  @Override
  public String name() {
    return "recall";
  }

  @Override
  public String description() {
    return "stage-1 hybrid recall (BM25 + HNSW, fused) of 300 candidates over 10k+ chunks: p50/p99, queries/s (target p99 < 50 ms)";
  }

  @Override
  public Map<String, Object> run(Path workDir, Map<String, String> params, PrintStream progress)
      throws Exception {
    int k = Integer.parseInt(params.getOrDefault("k", "300"));
    int queryCount = Integer.parseInt(params.getOrDefault("queries", "300"));
    int warmup = Integer.parseInt(params.getOrDefault("warmup", "100"));
    Path scifact = Path.of(params.getOrDefault("scifact", DEFAULT_SCIFACT.toString()));
    boolean useScifact = Files.isRegularFile(scifact.resolve("corpus.jsonl"));

    List<Document> docs;
    List<String> queries;
    Chunker chunker;
    String corpusName;
    if (useScifact) {
      docs = Beir.readCorpus(scifact.resolve("corpus.jsonl"));
      queries = new ArrayList<>(Beir.readQueries(scifact.resolve("queries_dev.jsonl")).values());
      chunker = new Chunker(96, 8);
      corpusName = "scifact (" + scifact + "), chunks of 96 words";
    } else {
      chunker = new Chunker(24, 0);
      List<Document> base = ShippedCorpus.documents();
      int perCopy = base.stream().mapToInt(d -> chunker.chunk(d).size()).sum();
      int copies = (MIN_CHUNKS + perCopy - 1) / perCopy;
      docs = new ArrayList<>();
      for (int c = 0; c < copies; c++)
        for (Document d : base)
          docs.add(new Document("copy" + c + "-" + d.id(), d.title(), d.text(), d.source()));
      queries = new ArrayList<>();
      for (Document d : base) for (var ch : chunker.chunk(d)) queries.add(ch.text());
      corpusName = "shipped licence corpus, chunks of 24 words, repeated " + copies + "x";
    }
    progress.println("recall: corpus " + corpusName + ", " + docs.size() + " documents");

    try (MiniLmEmbedder model = MiniLmEmbedder.load();
        Embedder embedder = new Cached(model);
        FieldIndex index =
            FieldIndex.open(
                Path.of(params.getOrDefault("index", workDir.resolve("field").toString())),
                embedder,
                chunker)) {
      IngestReport r = index.ingest(docs, false, progress);
      int chunks = index.chunkCount();
      if (chunks < MIN_CHUNKS)
        throw new IllegalStateException("only " + chunks + " chunks; need " + MIN_CHUNKS);
      progress.printf("recall: %d chunks indexed in %.1f s%n", chunks, r.millis() / 1000.0);

      List<String> qs = new ArrayList<>();
      for (int i = 0; qs.size() < queryCount + warmup; i++) qs.add(queries.get(i % queries.size()));
      List<float[]> vectors = model.embed(qs);
      Fusion fusion = Fusion.DEFAULT;
      for (int i = 0; i < warmup; i++) index.hybrid(qs.get(i), k, fusion);

      Histogram embedding = new Histogram(60_000_000L, 3);
      for (int i = warmup; i < qs.size(); i++) {
        long s = System.nanoTime();
        model.embed(qs.get(i));
        embedding.recordValue((System.nanoTime() - s) / 1000);
      }
      Histogram endToEnd = new Histogram(60_000_000L, 3);
      Histogram retrieval = new Histogram(60_000_000L, 3);
      long candidates = 0;
      long t0 = System.nanoTime();
      for (int i = warmup; i < qs.size(); i++) {
        long s = System.nanoTime();
        candidates += index.hybrid(qs.get(i), k, fusion).size();
        endToEnd.recordValue((System.nanoTime() - s) / 1000);
      }
      double e2eSecs = (System.nanoTime() - t0) / 1e9;
      t0 = System.nanoTime();
      for (int i = warmup; i < qs.size(); i++) {
        long s = System.nanoTime();
        index.hybrid(qs.get(i), vectors.get(i), k, fusion);
        retrieval.recordValue((System.nanoTime() - s) / 1000);
      }
      double retSecs = (System.nanoTime() - t0) / 1e9;

      Map<String, Object> out = new LinkedHashMap<>();
      out.put("corpus", corpusName);
      out.put("chunks", chunks);
      out.put("ingest_s", Math.round(r.millis() / 100.0) / 10.0);
      // Distinct texts: the repeated fallback corpus embeds each text once.
      int embedded = ((Cached) embedder).cache.size();
      out.put("texts_embedded", embedded);
      out.put("texts_embedded_per_s", Math.round(embedded * 1000.0 / Math.max(1, r.millis())));
      out.put("fusion", fusion.toString());
      out.put("k_per_channel", k);
      out.put("queries", queryCount);
      out.put("mean_candidates", candidates / queryCount);
      out.put("end_to_end", figures(endToEnd, queryCount, e2eSecs));
      out.put("query_embedding_only", figures(embedding, queryCount, Double.NaN));
      out.put("retrieval_only", figures(retrieval, queryCount, retSecs));
      out.put("target_p99_ms", 50);
      out.put("meets_target", endToEnd.getValueAtPercentile(99) / 1000.0 < 50);
      return out;
    }
  }

  private static Map<String, Object> figures(Histogram h, int n, double secs) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("p50_ms", h.getValueAtPercentile(50) / 1000.0);
    m.put("p99_ms", h.getValueAtPercentile(99) / 1000.0);
    m.put("max_ms", h.getMaxValue() / 1000.0);
    if (!Double.isNaN(secs)) m.put("queries_per_s", Math.round(n / secs * 10) / 10.0);
    return m;
  }

  /** Embeds each distinct text once: the repeated fallback corpus would otherwise pay per copy. */
  private static final class Cached implements Embedder {
    private final Embedder inner;
    private final Map<String, float[]> cache = new ConcurrentHashMap<>();

    Cached(Embedder inner) {
      this.inner = inner;
    }

    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public int dimension() {
      return inner.dimension();
    }

    @Override
    public List<float[]> embed(List<String> texts) {
      List<String> missing = texts.stream().filter(t -> !cache.containsKey(t)).distinct().toList();
      List<float[]> computed = inner.embed(missing);
      for (int i = 0; i < missing.size(); i++) cache.put(missing.get(i), computed.get(i));
      return texts.stream().map(cache::get).toList();
    }
  }
}
