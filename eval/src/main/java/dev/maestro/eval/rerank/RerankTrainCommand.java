package dev.maestro.eval.rerank;

import dev.maestro.core.json.Json;
import dev.maestro.eval.learn.Trainer;
import dev.maestro.field.Beir;
import dev.maestro.field.Document;
import dev.maestro.field.FieldIndex;
import dev.maestro.field.Fusion;
import dev.maestro.field.IngestReport;
import dev.maestro.field.MiniLmEmbedder;
import dev.maestro.field.eval.DocumentRanker;
import dev.maestro.field.eval.RankMetrics;
import dev.maestro.field.eval.TrecRun;
import dev.maestro.field.rerank.LearnedReranker;
import dev.maestro.field.rerank.QueryPool;
import dev.maestro.field.rerank.RerankManifest;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code maestro train-reranker}: the stage-2 learned reranker trained on a BEIR data set. */
@Command(
    name = "train-reranker",
    mixinStandardHelpOptions = true,
    description = {
      "Trains the stage-2 reranker on a BEIR corpus, queries and qrels: the hybrid top"
          + " --rerank-top chunks per judged query, labelled 1 when their document is relevant,"
          + " queries split train/holdout (seeded), XGBoost binary:logistic, exported to"
          + " OUT/rerank.onnx + OUT/rerank-manifest.json. Prints nDCG@10 and Recall@100 on the"
          + " held-out queries for BM25, dense, hybrid and hybrid+rerank, and with --folds K a"
          + " K-fold cross-validated nDCG@10.",
      "Exit codes: 0 done; 2 invalid arguments or input."
    })
public final class RerankTrainCommand implements Callable<Integer> {

  @Option(names = "--corpus", required = true, paramLabel = "FILE", description = "corpus.jsonl.")
  Path corpus;

  @Option(names = "--queries", required = true, paramLabel = "FILE", description = "queries.jsonl.")
  Path queries;

  @Option(
      names = "--qrels",
      required = true,
      paramLabel = "FILE",
      description = "qrels (query-id corpus-id score).")
  Path qrels;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Where the reranker is written.")
  Path out;

  @Option(
      names = "--index",
      paramLabel = "DIR",
      description = "Keep the index here and reuse it (else a temporary folder).")
  Path index;

  @Option(
      names = "--rerank-top",
      defaultValue = "200",
      paramLabel = "N",
      description = "Hybrid chunks per query. Default: ${DEFAULT-VALUE}.")
  int rerankTop;

  @Option(
      names = "--holdout",
      defaultValue = "0.2",
      paramLabel = "SHARE",
      description = "Share of judged queries held out. Default: ${DEFAULT-VALUE}.")
  double holdout;

  @Option(names = "--seed", defaultValue = "7", paramLabel = "N", description = "Default: 7.")
  long seed;

  @Option(
      names = "--trees",
      defaultValue = "200",
      paramLabel = "N",
      description = "Boosting rounds. Default: ${DEFAULT-VALUE}.")
  int trees;

  @Option(
      names = "--depth",
      defaultValue = "4",
      paramLabel = "N",
      description = "Maximum tree depth. Default: ${DEFAULT-VALUE}.")
  int depth;

  @Option(
      names = "--folds",
      defaultValue = "0",
      paramLabel = "K",
      description = "Also K-fold cross-validate nDCG@10 over all judged queries (0: no).")
  int folds;

  @Option(names = "--json", description = "Print the figures as JSON on stdout.")
  boolean json;

  /** For picocli. */
  public RerankTrainCommand() {}

  @Override
  public Integer call() throws IOException {
    RerankTraining.Settings settings;
    try {
      settings = new RerankTraining.Settings(rerankTop, trees, depth, seed, holdout);
      if (folds == 1 || folds < 0) throw new IllegalArgumentException("--folds: 0 or >= 2");
    } catch (IllegalArgumentException e) {
      System.err.println("invalid argument: " + e.getMessage());
      return 2;
    }
    PrintStream progress = System.err;
    List<Document> docs;
    Map<String, String> qs;
    Map<String, Map<String, Integer>> judgments;
    try {
      docs = Beir.readCorpus(corpus);
      qs = Beir.readQueries(queries);
      judgments = Beir.readQrels(qrels);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    Map<String, String> judged = new LinkedHashMap<>();
    for (var q : qs.entrySet()) {
      var j = judgments.get(q.getKey());
      if (j != null && j.values().stream().anyMatch(r -> r > 0))
        judged.put(q.getKey(), q.getValue());
    }
    if (judged.size() < 5) {
      System.err.println("too few judged queries to train and hold out: " + judged.size());
      return 2;
    }
    Path dir =
        index != null
            ? Files.createDirectories(index)
            : Files.createTempDirectory("maestro-rerank-");
    try (MiniLmEmbedder embedder = MiniLmEmbedder.load();
        FieldIndex field = FieldIndex.open(dir, embedder)) {
      IngestReport r = field.ingest(docs, true, progress);
      progress.printf(
          "train-reranker: %d documents (%d embedded), %d chunks, %d judged queries%n",
          docs.size(), r.documentsEmbedded(), field.chunkCount(), judged.size());
      List<float[]> vectors = embedder.embed(new ArrayList<>(judged.values()));
      Fusion fusion = Fusion.DEFAULT;
      List<QueryPool> pools =
          RerankTraining.pools(field, fusion, judged, vectors, rerankTop, progress);
      boolean[] held = RerankTraining.split(pools.size(), holdout, seed);

      Trainer.Trained trained = RerankTraining.train(pools, judgments, held, settings, progress);
      trained.booster().dispose();
      Map<String, Object> training = new LinkedHashMap<>();
      training.put("corpus", corpus.getFileName().toString());
      training.put("documents", docs.size());
      training.put("chunks", field.chunkCount());
      training.put("judgedQueries", pools.size());
      training.put("holdoutShare", holdout);
      training.put("split", "by query, seeded shuffle");
      training.put("seed", seed);
      training.put("rerankTop", rerankTop);
      training.put("stage1", "hybrid " + fusion);
      training.put("trees", trees);
      training.put("maxDepth", depth);
      training.put("eta", Trainer.ETA);
      training.put("trainRows", trained.dimension().trainRows());
      training.put("holdoutRows", trained.dimension().holdoutRows());
      training.put("holdoutAuc", trained.dimension().holdoutAuc());

      // Evaluate through the written model, as rank --mode hybrid+rerank will load it.
      var manifest = RerankManifest.current("binary:logistic", training);
      manifest.write(out, trained.onnx());
      Map<String, Object> figures = new LinkedHashMap<>();
      try (LearnedReranker reranker = LearnedReranker.load(out, field::documentChunks)) {
        Map<String, Map<String, Integer>> heldQrels = new HashMap<>();
        Map<String, List<TrecRun.Entry>> bm25 = new LinkedHashMap<>();
        Map<String, List<TrecRun.Entry>> dense = new LinkedHashMap<>();
        var bm25Ranker = new DocumentRanker(field, DocumentRanker.Mode.BM25, fusion, 3);
        var denseRanker = new DocumentRanker(field, DocumentRanker.Mode.DENSE, fusion, 3);
        for (int q = 0; q < pools.size(); q++) {
          if (!held[q]) continue;
          QueryPool p = pools.get(q);
          heldQrels.put(p.queryId(), judgments.get(p.queryId()));
          bm25.put(p.queryId(), bm25Ranker.rank(p.query(), null, RerankTraining.TOP));
          dense.put(p.queryId(), denseRanker.rank(p.query(), vectors.get(q), RerankTraining.TOP));
        }
        Map<String, Object> holdoutFigures = new LinkedHashMap<>();
        holdoutFigures.put("bm25", RerankTraining.figures(RankMetrics.evaluate(bm25, heldQrels)));
        holdoutFigures.put("dense", RerankTraining.figures(RankMetrics.evaluate(dense, heldQrels)));
        for (var e : RerankTraining.evaluate(pools, judgments, held, reranker::predict).entrySet())
          holdoutFigures.put(e.getKey(), RerankTraining.figures(e.getValue()));
        figures.put("holdout", holdoutFigures);
      }
      if (folds >= 2) figures.put("crossValidation", crossValidate(pools, judgments, settings));
      training.put("figures", figures);
      RerankManifest.current("binary:logistic", training).write(out, trained.onnx());

      print(figures);
      progress.println("train-reranker: wrote " + out);
      return 0;
    } finally {
      if (index == null) deleteTree(dir);
    }
  }

  private Map<String, Object> crossValidate(
      List<QueryPool> pools,
      Map<String, Map<String, Integer>> judgments,
      RerankTraining.Settings settings) {
    int[] fold = RerankTraining.folds(pools.size(), folds, seed);
    Map<String, List<TrecRun.Entry>> hybrid = new LinkedHashMap<>();
    Map<String, List<TrecRun.Entry>> reranked = new LinkedHashMap<>();
    List<Double> perFold = new ArrayList<>();
    for (int f = 0; f < folds; f++) {
      boolean[] held = new boolean[pools.size()];
      for (int q = 0; q < held.length; q++) held[q] = fold[q] == f;
      System.err.printf("train-reranker: fold %d/%d%n", f + 1, folds);
      Trainer.Trained t = RerankTraining.train(pools, judgments, held, settings, System.err);
      try {
        var m =
            RerankTraining.evaluate(
                pools,
                judgments,
                held,
                rows -> Trainer.predict(t.booster(), rows, rows.length == 0 ? 0 : rows[0].length));
        perFold.add(m.get("hybrid+rerank").ndcgAt10() - m.get("hybrid").ndcgAt10());
        for (int q = 0; q < held.length; q++) {
          if (!held[q]) continue;
          QueryPool p = pools.get(q);
          hybrid.put(p.queryId(), p.hybridRanking(RerankTraining.TOP));
          reranked.put(
              p.queryId(),
              p.rerankedRanking(
                  p.features().length == 0
                      ? new double[0]
                      : Trainer.predict(t.booster(), p.features(), p.features()[0].length),
                  RerankTraining.TOP));
        }
      } finally {
        t.booster().dispose();
      }
    }
    Map<String, Map<String, Integer>> all = new HashMap<>();
    for (QueryPool p : pools) all.put(p.queryId(), judgments.get(p.queryId()));
    Map<String, Object> cv = new LinkedHashMap<>();
    cv.put("folds", folds);
    cv.put("hybrid", RerankTraining.figures(RankMetrics.evaluate(hybrid, all)));
    cv.put("hybrid+rerank", RerankTraining.figures(RankMetrics.evaluate(reranked, all)));
    cv.put("ndcg@10_gain_per_fold", perFold.stream().map(RerankTraining::round4).toList());
    return cv;
  }

  private void print(Map<String, Object> figures) {
    if (json) {
      System.out.println(Json.write(figures));
      return;
    }
    @SuppressWarnings("unchecked")
    var held = (Map<String, Map<String, Object>>) figures.get("holdout");
    System.out.println("held-out queries: nDCG@10  Recall@100");
    for (var e : held.entrySet())
      System.out.printf(
          "  %-14s %.4f   %.4f   (%s queries)%n",
          e.getKey(),
          (double) e.getValue().get("ndcg@10"),
          (double) e.getValue().get("recall@100"),
          e.getValue().get("queries"));
    @SuppressWarnings("unchecked")
    var cv = (Map<String, Object>) figures.get("crossValidation");
    if (cv != null) {
      System.out.println(cv.get("folds") + "-fold cross-validation (all judged queries):");
      for (String k : List.of("hybrid", "hybrid+rerank")) {
        @SuppressWarnings("unchecked")
        var m = (Map<String, Object>) cv.get(k);
        System.out.printf(
            "  %-14s %.4f   %.4f%n", k, (double) m.get("ndcg@10"), (double) m.get("recall@100"));
      }
      System.out.println("  nDCG@10 gain per fold: " + cv.get("ndcg@10_gain_per_fold"));
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList())
        Files.deleteIfExists(p);
    }
  }
}
