package dev.maestro.eval.rerank;

import dev.maestro.eval.learn.DecisionDataset;
import dev.maestro.eval.learn.Trainer;
import dev.maestro.field.FieldIndex;
import dev.maestro.field.Fusion;
import dev.maestro.field.eval.RankMetrics;
import dev.maestro.field.eval.TrecRun;
import dev.maestro.field.rerank.QueryPool;
import dev.maestro.field.rerank.RerankFeatures;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The reranker's training pipeline, shared by {@code maestro train-reranker} and the tests: stage-1
 * pools per query, rows labelled by the document's relevance, a query-level split, XGBoost
 * binary:logistic through {@link Trainer#trainDimension} (exported to ONNX), and nDCG@10 of the
 * hybrid ranking against the reranked one on held-out queries.
 */
public final class RerankTraining {

  /** Documents ranked per query when evaluating (Recall@100 needs 100). */
  public static final int TOP = 100;

  /** Chunks retrieved per channel per ranked document, as {@code maestro rank} does. */
  public static final int POOL_FACTOR = 3;

  private RerankTraining() {}

  /**
   * How to train.
   *
   * @param rerankTop hybrid chunks reranked (and trained on) per query
   * @param trees boosting rounds
   * @param maxDepth the trees' maximum depth
   * @param seed seeds the split and the booster
   * @param holdout the share of queries held out
   */
  public record Settings(int rerankTop, int trees, int maxDepth, long seed, double holdout) {
    public Settings {
      if (rerankTop < 1) throw new IllegalArgumentException("rerank top must be >= 1");
      new Trainer.Settings(trees, maxDepth, seed, holdout);
    }

    Trainer.Settings trainer() {
      return new Trainer.Settings(trees, maxDepth, seed, holdout);
    }
  }

  /** The stage-1 pools of {@code queries} (id → text, with {@code vectors} in that order). */
  public static List<QueryPool> pools(
      FieldIndex index,
      Fusion fusion,
      Map<String, String> queries,
      List<float[]> vectors,
      int rerankTop,
      PrintStream progress) {
    var features = new RerankFeatures();
    List<QueryPool> out = new ArrayList<>(queries.size());
    long t0 = System.nanoTime();
    int i = 0;
    for (var q : queries.entrySet()) {
      out.add(
          QueryPool.of(
              index,
              features,
              fusion,
              q.getKey(),
              q.getValue(),
              vectors.get(i++),
              TOP,
              POOL_FACTOR,
              rerankTop));
      if (i % 100 == 0 || i == queries.size())
        progress.printf(
            "train-reranker: %d/%d queries' candidates featurised (%.1f s)%n",
            i, queries.size(), (System.nanoTime() - t0) / 1e9);
    }
    return out;
  }

  /** Which of {@code n} queries are held out: a seeded shuffle's first {@code share}. */
  public static boolean[] split(int n, double share, long seed) {
    int[] order = shuffled(n, seed);
    boolean[] held = new boolean[n];
    int k = (int) Math.round(n * share);
    for (int i = 0; i < k; i++) held[order[i]] = true;
    return held;
  }

  /** Fold (0 … folds − 1) of each of {@code n} queries: a seeded shuffle dealt round robin. */
  public static int[] folds(int n, int folds, long seed) {
    int[] order = shuffled(n, seed);
    int[] fold = new int[n];
    for (int i = 0; i < n; i++) fold[order[i]] = i % folds;
    return fold;
  }

  /** The labelled rows of {@code pools}, grouped by query (the pool's index). */
  public static DecisionDataset.Rows rows(
      List<QueryPool> pools, Map<String, Map<String, Integer>> qrels) {
    List<float[]> x = new ArrayList<>();
    List<Float> y = new ArrayList<>();
    List<Integer> g = new ArrayList<>();
    for (int q = 0; q < pools.size(); q++) {
      QueryPool p = pools.get(q);
      float[] labels = p.labels(qrels.getOrDefault(p.queryId(), Map.of()));
      for (int i = 0; i < labels.length; i++) {
        x.add(p.features()[i]);
        y.add(labels[i]);
        g.add(q);
      }
    }
    return new DecisionDataset.Rows(x, y, g);
  }

  /** Trains on the pools not flagged in {@code holdout}. */
  public static Trainer.Trained train(
      List<QueryPool> pools,
      Map<String, Map<String, Integer>> qrels,
      boolean[] holdout,
      Settings s,
      PrintStream progress) {
    return Trainer.trainDimension(
        "rerank", rows(pools, qrels), RerankFeatures.COUNT, holdout, s.trainer(), progress);
  }

  /**
   * nDCG@10 and Recall@100 over the flagged pools: their hybrid ranking, and the reranked one with
   * scores from {@code scorer} (one per featurised row).
   */
  public static Map<String, RankMetrics.Summary> evaluate(
      List<QueryPool> pools,
      Map<String, Map<String, Integer>> qrels,
      boolean[] which,
      java.util.function.Function<float[][], double[]> scorer) {
    Map<String, List<TrecRun.Entry>> hybrid = new LinkedHashMap<>();
    Map<String, List<TrecRun.Entry>> reranked = new LinkedHashMap<>();
    Map<String, Map<String, Integer>> judged = new HashMap<>();
    for (int q = 0; q < pools.size(); q++) {
      if (!which[q]) continue;
      QueryPool p = pools.get(q);
      hybrid.put(p.queryId(), p.hybridRanking(TOP));
      reranked.put(p.queryId(), p.rerankedRanking(scorer.apply(p.features()), TOP));
      judged.put(p.queryId(), qrels.getOrDefault(p.queryId(), Map.of()));
    }
    Map<String, RankMetrics.Summary> out = new LinkedHashMap<>();
    out.put("hybrid", RankMetrics.evaluate(hybrid, judged));
    out.put("hybrid+rerank", RankMetrics.evaluate(reranked, judged));
    return out;
  }

  /** Rounds to four decimals for reports. */
  static double round4(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }

  /** A summary as a JSON-friendly map. */
  static Map<String, Object> figures(RankMetrics.Summary s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("queries", s.queries());
    m.put("ndcg@10", round4(s.ndcgAt10()));
    m.put("recall@100", round4(s.recallAt100()));
    return m;
  }

  private static int[] shuffled(int n, long seed) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = i;
    var r = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
