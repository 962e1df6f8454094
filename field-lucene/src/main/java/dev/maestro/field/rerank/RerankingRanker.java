package dev.maestro.field.rerank;

import dev.maestro.field.Candidate;
import dev.maestro.field.FieldIndex;
import dev.maestro.field.Fusion;
import dev.maestro.field.eval.TrecRun;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ranks documents with stage 2: hybrid retrieval of a pool of chunks, the first {@code rerankTop}
 * reranked, the documents they cover ranked by their best reranked chunk, then the remaining pool's
 * documents in their hybrid order (best chunk's fused score). Run scores decrease strictly along
 * the ranking, so the TREC run's order survives re-sorting by score.
 */
public final class RerankingRanker {

  /** The default number of hybrid candidates reranked per query. */
  public static final int DEFAULT_RERANK_TOP = 200;

  private final FieldIndex index;
  private final Fusion fusion;
  private final Reranker reranker;
  private final int rerankTop;
  private final int poolFactor;

  /**
   * A ranker over {@code index}: hybrid retrieval fused by {@code fusion} of {@code max(top ×
   * poolFactor, rerankTop)} chunks, of which the first {@code rerankTop} are reranked.
   */
  public RerankingRanker(
      FieldIndex index, Fusion fusion, Reranker reranker, int rerankTop, int poolFactor) {
    if (rerankTop < 1) throw new IllegalArgumentException("rerankTop must be >= 1");
    if (poolFactor < 1) throw new IllegalArgumentException("poolFactor must be >= 1");
    this.index = index;
    this.fusion = fusion;
    this.reranker = reranker;
    this.rerankTop = rerankTop;
    this.poolFactor = poolFactor;
  }

  /** The {@code top} documents for {@code query} (with its vector), best first. */
  public List<TrecRun.Entry> rank(String query, float[] vector, int top) {
    List<Candidate> pool =
        index.hybrid(query, vector, Math.max(top * poolFactor, rerankTop), fusion);
    return rank(query, pool, rerankTop, reranker, top);
  }

  /**
   * The {@code top} documents from a hybrid {@code pool} (best first) whose first {@code rerankTop}
   * chunks {@code reranker} reorders.
   */
  public static List<TrecRun.Entry> rank(
      String query, List<Candidate> pool, int rerankTop, Reranker reranker, int top) {
    int n = Math.min(rerankTop, pool.size());
    List<Candidate> reranked = reranker.rerank(query, pool.subList(0, n));
    Map<String, Double> best = new LinkedHashMap<>();
    for (Candidate c : reranked) best.putIfAbsent(c.docId(), c.rerank());
    Set<String> rest = new LinkedHashSet<>();
    for (Candidate c : pool.subList(n, pool.size()))
      if (!best.containsKey(c.docId())) rest.add(c.docId());
    List<TrecRun.Entry> out = new ArrayList<>();
    double last = Double.POSITIVE_INFINITY;
    for (var e : best.entrySet()) {
      if (out.size() == top) return out;
      // Rerank scores are sorted already; nextDown keeps ties strictly ordered.
      last = Math.min(e.getValue(), Math.nextDown(last));
      out.add(new TrecRun.Entry(e.getKey(), out.size() + 1, last));
    }
    double floor = Double.isInfinite(last) ? 0 : last;
    int j = 0;
    for (String doc : rest) {
      if (out.size() == top) break;
      out.add(new TrecRun.Entry(doc, out.size() + 1, floor - 1 - j++ * 1e-3));
    }
    return out;
  }
}
