package dev.maestro.core.field;

import java.util.List;
import java.util.Objects;

/**
 * Why a candidate scored what it did: the value of each feature the score function used (each in
 * the range the weights expect, 0 when missing), the features that were missing, and the score's
 * two parts: {@code score = relevance − red·redundancy}.
 *
 * @param rerank the reranker's relevance
 * @param cosine the bi-encoder cosine
 * @param bm25Norm BM25 divided by the candidate set's largest BM25
 * @param recency {@code 0.5^(age / halfLife)} of the newest provenance, 1 for a future instant
 * @param trust the highest provenance trust
 * @param missing the features the candidate lacked, in the order above ({@code rerank}, {@code
 *     cosine}, {@code bm25}, {@code recency}, {@code trust}); each contributed 0
 * @param relevance the weighted sum of the five features
 * @param redundancy the largest similarity to an item kept before it (MMR), 0 before selection
 * @param score {@code relevance − red·redundancy}
 */
public record ScoreBreakdown(
    double rerank,
    double cosine,
    double bm25Norm,
    double recency,
    double trust,
    List<String> missing,
    double relevance,
    double redundancy,
    double score) {

  public ScoreBreakdown {
    missing = List.copyOf(Objects.requireNonNull(missing, "missing"));
  }

  /** This breakdown with the MMR redundancy applied at weight {@code red}. */
  public ScoreBreakdown withRedundancy(double similarity, double red) {
    return new ScoreBreakdown(
        rerank,
        cosine,
        bm25Norm,
        recency,
        trust,
        missing,
        relevance,
        similarity,
        relevance - red * similarity);
  }
}
