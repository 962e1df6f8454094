package dev.maestro.field;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.maestro.field.eval.RankMetrics;
import dev.maestro.field.eval.TrecRun;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RankMetricsTest {

  private static double log2(int x) {
    return Math.log(x) / Math.log(2);
  }

  @Test
  void ndcg_of_a_perfect_ranking_is_one() {
    assertThat(RankMetrics.ndcg(List.of("a", "b", "c"), Map.of("a", 1), 10)).isEqualTo(1.0);
  }

  @Test
  void ndcg_with_the_only_relevant_document_third_is_one_over_log2_4() {
    // DCG = 1/log2(4) = 0.5; IDCG = 1.
    assertThat(RankMetrics.ndcg(List.of("x", "y", "a"), Map.of("a", 1), 10))
        .isCloseTo(0.5, within(1e-12));
  }

  @Test
  void ndcg_uses_graded_relevance_with_linear_gain() {
    // Ranking b(1), a(2); ideal a(2), b(1).
    double dcg = 1 / log2(2) + 2 / log2(3);
    double idcg = 2 / log2(2) + 1 / log2(3);
    assertThat(RankMetrics.ndcg(List.of("b", "a"), Map.of("a", 2, "b", 1), 10))
        .isCloseTo(dcg / idcg, within(1e-12));
  }

  @Test
  void ndcg_counts_only_the_first_k_and_ideal_is_cut_at_k() {
    // Two relevant, k = 1: the first is not relevant -> 0; the ideal has one at rank 1.
    assertThat(RankMetrics.ndcg(List.of("x", "a"), Map.of("a", 1, "b", 1), 1)).isZero();
  }

  @Test
  void judged_non_relevant_documents_gain_nothing() {
    assertThat(RankMetrics.ndcg(List.of("z", "a"), Map.of("a", 1, "z", 0), 10))
        .isCloseTo(1 / log2(3), within(1e-12));
  }

  @Test
  void recall_is_the_share_of_relevant_documents_in_the_first_k() {
    var qrels = Map.of("a", 1, "b", 1, "c", 2, "d", 0);
    assertThat(RankMetrics.recall(List.of("a", "x", "c", "b"), qrels, 3))
        .isCloseTo(2 / 3.0, within(1e-12));
  }

  @Test
  void ties_are_broken_by_document_id_descending_whatever_the_file_order() {
    var entries =
        List.of(
            new TrecRun.Entry("a", 1, 1.0),
            new TrecRun.Entry("c", 2, 1.0),
            new TrecRun.Entry("b", 3, 2.0));
    assertThat(RankMetrics.order(entries)).containsExactly("b", "c", "a");
  }

  @Test
  void evaluate_averages_over_judged_queries_counting_missing_ones_as_zero() {
    Map<String, List<TrecRun.Entry>> run =
        Map.of(
            "q1", List.of(new TrecRun.Entry("a", 1, 3.0)),
            "q3", List.of(new TrecRun.Entry("z", 1, 3.0)));
    Map<String, Map<String, Integer>> qrels =
        Map.of(
            "q1", Map.of("a", 1),
            "q2", Map.of("b", 1),
            "q4", Map.of("c", 0));
    RankMetrics.Summary s = RankMetrics.evaluate(run, qrels);
    // q1 perfect, q2 missing (0), q3 unjudged (ignored), q4 has nothing relevant (ignored).
    assertThat(s.queries()).isEqualTo(2);
    assertThat(s.missingFromRun()).isEqualTo(1);
    assertThat(s.ndcgAt10()).isCloseTo(0.5, within(1e-12));
    assertThat(s.recallAt100()).isCloseTo(0.5, within(1e-12));
  }
}
