package dev.maestro.field.rerank;

import dev.maestro.field.Candidate;
import java.util.List;

/**
 * Stage 2: reorders a query's stage-1 candidates by a finer relevance score.
 *
 * <p>Implementations are thread-safe.
 */
public interface Reranker extends AutoCloseable {

  /**
   * {@code candidates} (stage 1's order, best first) reordered by the rerank score, best first,
   * each carrying it as {@link Candidate#rerank()}; ties keep stage 1's order.
   */
  List<Candidate> rerank(String query, List<Candidate> candidates);

  /** What scores (for logs and run tags). */
  String name();

  @Override
  void close();
}
