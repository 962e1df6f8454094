package dev.maestro.field.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * nDCG@k and Recall@k as trec_eval computes them: linear gain ({@code rel}), discount {@code
 * log2(rank + 1)}, ideal ranking from the qrels; documents ordered by score descending, ties broken
 * by document id descending (trec_eval's rule), whatever order the run lists them in; a judged
 * document with relevance {@code <= 0} is not relevant.
 */
public final class RankMetrics {

  private RankMetrics() {}

  /** The run's documents ordered as the metrics see them. */
  public static List<String> order(List<TrecRun.Entry> entries) {
    List<TrecRun.Entry> sorted = new ArrayList<>(entries);
    sorted.sort(
        Comparator.comparingDouble(TrecRun.Entry::score)
            .reversed()
            .thenComparing(TrecRun.Entry::docId, Comparator.reverseOrder()));
    List<String> ids = new ArrayList<>(sorted.size());
    for (var e : sorted) ids.add(e.docId());
    return ids;
  }

  /** nDCG@k of a ranking against graded judgments; 0 when nothing is relevant. */
  public static double ndcg(List<String> ranking, Map<String, Integer> qrels, int k) {
    double dcg = 0;
    for (int i = 0; i < Math.min(k, ranking.size()); i++) {
      int rel = qrels.getOrDefault(ranking.get(i), 0);
      if (rel > 0) dcg += rel / log2(i + 2);
    }
    List<Integer> ideal =
        qrels.values().stream().filter(r -> r > 0).sorted(Comparator.reverseOrder()).toList();
    double idcg = 0;
    for (int i = 0; i < Math.min(k, ideal.size()); i++) idcg += ideal.get(i) / log2(i + 2);
    return idcg == 0 ? 0 : dcg / idcg;
  }

  /** The share of relevant documents found in the first {@code k}; 0 when nothing is relevant. */
  public static double recall(List<String> ranking, Map<String, Integer> qrels, int k) {
    long relevant = qrels.values().stream().filter(r -> r > 0).count();
    if (relevant == 0) return 0;
    int found = 0;
    for (int i = 0; i < Math.min(k, ranking.size()); i++)
      if (qrels.getOrDefault(ranking.get(i), 0) > 0) found++;
    return (double) found / relevant;
  }

  /**
   * Means over the queries that have at least one relevant judgment; a query missing from the run
   * scores 0 and is counted in {@link Summary#missingFromRun()}. Run queries without judgments are
   * ignored.
   */
  public static Summary evaluate(
      Map<String, List<TrecRun.Entry>> run, Map<String, Map<String, Integer>> qrels) {
    double ndcg = 0, recall = 0;
    int queries = 0, missing = 0;
    for (var q : qrels.entrySet()) {
      if (q.getValue().values().stream().noneMatch(r -> r > 0)) continue;
      queries++;
      List<TrecRun.Entry> entries = run.get(q.getKey());
      if (entries == null) {
        missing++;
        continue;
      }
      List<String> ranking = order(entries);
      ndcg += ndcg(ranking, q.getValue(), 10);
      recall += recall(ranking, q.getValue(), 100);
    }
    return new Summary(
        queries, missing, queries == 0 ? 0 : ndcg / queries, queries == 0 ? 0 : recall / queries);
  }

  /** Mean nDCG@10 and Recall@100 over {@code queries} judged queries. */
  public record Summary(int queries, int missingFromRun, double ndcgAt10, double recallAt100) {}

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
