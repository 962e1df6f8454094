package dev.maestro.eval.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.json.Json;
import dev.maestro.eval.learn.Trainer;
import dev.maestro.field.Candidate;
import dev.maestro.field.Chunk;
import dev.maestro.field.Chunker;
import dev.maestro.field.Document;
import dev.maestro.field.Embedder;
import dev.maestro.field.FieldIndex;
import dev.maestro.field.Fusion;
import dev.maestro.field.ShippedCorpus;
import dev.maestro.field.eval.RankMetrics;
import dev.maestro.field.rerank.LearnedReranker;
import dev.maestro.field.rerank.QueryPool;
import dev.maestro.field.rerank.RerankFeatures;
import dev.maestro.field.rerank.RerankManifest;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The reranker pipeline on the shipped licence corpus with a tiny labelled fixture (a chunk's
 * opening words as the query, its document relevant): the exported ONNX model scores as XGBoost
 * does, and {@code maestro train-reranker} writes a reranker {@code rank} can load.
 */
class RerankTrainingTest {

  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
  private static final Set<String> SUBSET =
      Set.of("BSD.txt", "CC0-1.0.txt", "Artistic.txt", "Apache-2.0.txt", "MPL-2.0.txt");

  @TempDir Path dir;

  /** Deterministic bag-of-words vectors: enough for a dense channel in a unit test. */
  static final class HashEmbedder implements Embedder {
    @Override
    public String name() {
      return "hash-64";
    }

    @Override
    public int dimension() {
      return 64;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
      List<float[]> out = new ArrayList<>();
      for (String t : texts) {
        float[] v = new float[64];
        for (String w : t.toLowerCase().split("\\W+"))
          if (!w.isEmpty()) v[Math.floorMod(w.hashCode(), 64)] += 1;
        double n = 0;
        for (float x : v) n += x * x;
        if (n == 0) v[0] = 1;
        else for (int i = 0; i < 64; i++) v[i] /= (float) Math.sqrt(n);
        out.add(v);
      }
      return out;
    }
  }

  /** Query id → text and judgments: each chunk's opening twelve words, its document relevant. */
  static Map<String, String> fixture(List<Document> docs, Map<String, Map<String, Integer>> qrels) {
    Map<String, String> queries = new LinkedHashMap<>();
    for (Document d : docs)
      for (Chunk c : Chunker.DEFAULT.chunk(d)) {
        String[] words = c.text().strip().split("\\s+");
        if (words.length < 8) continue;
        String id = "q" + queries.size();
        queries.put(id, String.join(" ", List.of(words).subList(0, Math.min(12, words.length))));
        qrels.put(id, Map.of(d.id(), 1));
      }
    return queries;
  }

  @Test
  void givenRerankRows_whenExported_thenOnnxRuntimeMatchesXgboostTo1e5() {
    List<Document> docs = ShippedCorpus.documents();
    Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
    Map<String, String> queries = fixture(docs, qrels);
    Embedder embedder = new HashEmbedder();
    try (FieldIndex index = FieldIndex.open(dir.resolve("index"), embedder)) {
      index.ingest(docs, false, null);
      List<QueryPool> pools =
          RerankTraining.pools(
              index,
              Fusion.DEFAULT,
              queries,
              embedder.embed(new ArrayList<>(queries.values())),
              50,
              QUIET);
      assertThat(pools).hasSize(queries.size());
      assertThat(pools.getFirst().features()).hasNumberOfRows(50);
      boolean[] held = RerankTraining.split(pools.size(), 0.2, 7);
      var settings = new RerankTraining.Settings(50, 30, 4, 7, 0.2);
      Trainer.Trained trained = RerankTraining.train(pools, qrels, held, settings, QUIET);
      try {
        RerankManifest.current("binary:logistic", Map.of())
            .write(dir.resolve("model"), trained.onnx());
        try (LearnedReranker reranker =
            LearnedReranker.load(dir.resolve("model"), index::documentChunks)) {
          int rows = 0;
          for (QueryPool p : pools) {
            double[] expected =
                Trainer.predict(trained.booster(), p.features(), RerankFeatures.COUNT);
            double[] actual = reranker.predict(p.features());
            for (int i = 0; i < expected.length; i++, rows++)
              assertThat(actual[i])
                  .as("%s row %d", p.queryId(), i)
                  .isCloseTo(expected[i], within(1e-5));
          }
          assertThat(rows).isGreaterThan(1_000);

          // rerank() featurises the same way and keeps the score on each candidate.
          QueryPool p = pools.getFirst();
          List<Candidate> reranked = reranker.rerank(p.query(), p.reranked());
          double[] expected =
              Trainer.predict(trained.booster(), p.features(), RerankFeatures.COUNT);
          double best = java.util.Arrays.stream(expected).max().orElseThrow();
          assertThat(reranked.getFirst().rerank()).isCloseTo(best, within(1e-5));

          Map<String, RankMetrics.Summary> m =
              RerankTraining.evaluate(pools, qrels, held, reranker::predict);
          assertThat(m.get("hybrid").queries())
              .isEqualTo(m.get("hybrid+rerank").queries())
              .isPositive();
          assertThat(m.get("hybrid+rerank").ndcgAt10()).isBetween(0.0, 1.0);
        }
      } finally {
        trained.booster().dispose();
      }
    }
  }

  @Test
  void givenASplitAndFolds_thenTheyAreSeededAndCoverEveryQuery() {
    boolean[] a = RerankTraining.split(100, 0.2, 7);
    assertThat(RerankTraining.split(100, 0.2, 7)).isEqualTo(a);
    int held = 0;
    for (boolean b : a) if (b) held++;
    assertThat(held).isEqualTo(20);
    int[] folds = RerankTraining.folds(101, 5, 3);
    int[] sizes = new int[5];
    for (int f : folds) sizes[f]++;
    assertThat(sizes).containsOnly(20, 21);
  }

  @Test
  void givenABeirFixture_whenTrainRerankerRuns_thenItWritesALoadableRerankerAndFigures()
      throws Exception {
    List<Document> docs =
        ShippedCorpus.documents().stream().filter(d -> SUBSET.contains(d.id())).toList();
    Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
    Map<String, String> queries = fixture(docs, qrels);
    Path corpus = dir.resolve("corpus.jsonl");
    Files.writeString(
        corpus,
        docs.stream()
            .map(d -> Json.write(Map.of("_id", d.id(), "title", d.title(), "text", d.text())))
            .collect(Collectors.joining("\n")));
    Path q = dir.resolve("queries.jsonl");
    Files.writeString(
        q,
        queries.entrySet().stream()
            .map(e -> Json.write(Map.of("_id", e.getKey(), "text", e.getValue())))
            .collect(Collectors.joining("\n")));
    Path tsv = dir.resolve("qrels.tsv");
    var sb = new StringBuilder("query-id\tcorpus-id\tscore\n");
    qrels.forEach((id, j) -> j.forEach((d, r) -> sb.append(id + "\t" + d + "\t" + r + "\n")));
    Files.writeString(tsv, sb.toString());
    Path out = dir.resolve("reranker");

    var stdout = new ByteArrayOutputStream();
    PrintStream old = System.out;
    PrintStream oldErr = System.err;
    int rc;
    try {
      System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
      System.setErr(QUIET);
      rc =
          new CommandLine(new RerankTrainCommand())
              .execute(
                  "--corpus",
                  corpus.toString(),
                  "--queries",
                  q.toString(),
                  "--qrels",
                  tsv.toString(),
                  "--out",
                  out.toString(),
                  "--rerank-top",
                  "40",
                  "--trees",
                  "20",
                  "--folds",
                  "2",
                  "--json");
    } finally {
      System.setOut(old);
      System.setErr(oldErr);
    }
    assertThat(rc).isZero();
    JsonNode figures = Json.tree(stdout.toString(StandardCharsets.UTF_8));
    for (String run : List.of("bm25", "dense", "hybrid", "hybrid+rerank"))
      assertThat(figures.path("holdout").path(run).path("ndcg@10").isNumber()).as(run).isTrue();
    assertThat(figures.path("crossValidation").path("hybrid+rerank").path("queries").asInt())
        .isEqualTo(queries.size());
    RerankManifest manifest = RerankManifest.read(out);
    assertThat(manifest.features()).isEqualTo(RerankFeatures.NAMES);
    assertThat(manifest.training()).containsKey("figures");
    try (LearnedReranker r = LearnedReranker.load(out, id -> 1)) {
      assertThat(r.manifest().featureVersion()).isEqualTo(RerankFeatures.VERSION);
    }
  }
}
