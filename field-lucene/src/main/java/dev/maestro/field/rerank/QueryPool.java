package dev.maestro.field.rerank;

import dev.maestro.field.Candidate;
import dev.maestro.field.FieldIndex;
import dev.maestro.field.Fusion;
import dev.maestro.field.eval.TrecRun;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One query's stage-1 pool as training and evaluation see it: the hybrid chunks, best first, of
 * which the first {@code rerankTop} are featurised, as {@link RerankingRanker} would rerank them.
 *
 * @param queryId the query's id
 * @param query its text
 * @param pool the hybrid candidates, best first
 * @param rerankTop how many of the first are reranked
 * @param features their {@link RerankFeatures} vectors
 */
public record QueryPool(
    String queryId, String query, List<Candidate> pool, int rerankTop, float[][] features) {

  /**
   * The pool for {@code query}: {@code max(top × poolFactor, rerankTop)} hybrid chunks fused by
   * {@code fusion}, the first {@code rerankTop} featurised.
   */
  public static QueryPool of(
      FieldIndex index,
      RerankFeatures features,
      Fusion fusion,
      String queryId,
      String query,
      float[] vector,
      int top,
      int poolFactor,
      int rerankTop) {
    List<Candidate> pool =
        index.hybrid(query, vector, Math.max(top * poolFactor, rerankTop), fusion);
    int n = Math.min(rerankTop, pool.size());
    float[][] rows = features.extract(query, pool.subList(0, n), index::documentChunks);
    return new QueryPool(queryId, query, pool, n, rows);
  }

  /** The reranked candidates (the pool's first {@link #rerankTop}). */
  public List<Candidate> reranked() {
    return pool.subList(0, rerankTop);
  }

  /** 1 where the reranked candidate's document is relevant in {@code qrels}, else 0. */
  public float[] labels(Map<String, Integer> qrels) {
    float[] y = new float[rerankTop];
    for (int i = 0; i < rerankTop; i++)
      y[i] = qrels.getOrDefault(pool.get(i).docId(), 0) > 0 ? 1f : 0f;
    return y;
  }

  /** The {@code top} documents by their best chunk's hybrid score (stage 1 alone). */
  public List<TrecRun.Entry> hybridRanking(int top) {
    Map<String, Double> best = new LinkedHashMap<>();
    for (Candidate c : pool) best.putIfAbsent(c.docId(), c.score());
    List<TrecRun.Entry> out = new ArrayList<>();
    for (var e : best.entrySet()) {
      if (out.size() == top) break;
      out.add(new TrecRun.Entry(e.getKey(), out.size() + 1, e.getValue()));
    }
    return out;
  }

  /** The {@code top} documents after reranking with precomputed {@code scores} (one per row). */
  public List<TrecRun.Entry> rerankedRanking(double[] scores, int top) {
    Reranker fixed =
        new Reranker() {
          @Override
          public List<Candidate> rerank(String q, List<Candidate> candidates) {
            return LearnedReranker.reorder(candidates, scores);
          }

          @Override
          public String name() {
            return "precomputed";
          }

          @Override
          public void close() {}
        };
    return RerankingRanker.rank(query, pool, rerankTop, fixed, top);
  }
}
