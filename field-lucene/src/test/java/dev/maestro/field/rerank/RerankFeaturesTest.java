package dev.maestro.field.rerank;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.field.Candidate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The v1 rerank vector: names, NaN conventions, ranks, overlaps, positions. */
class RerankFeaturesTest {

  private static Candidate c(String id, int n, double score, double bm25, double cosine, String t) {
    return new Candidate(
        id + "#" + n, id, n, score, bm25, cosine, "Patent license " + id, "test", "h", t);
  }

  private static int f(String name) {
    return RerankFeatures.NAMES.indexOf(name);
  }

  @Test
  void givenTheEncoding_thenNamesAreUniqueAndVersioned() {
    assertThat(RerankFeatures.NAMES).doesNotHaveDuplicates().hasSize(RerankFeatures.COUNT);
    assertThat(RerankFeatures.VERSION).isEqualTo(1);
  }

  @Test
  void givenHybridCandidates_whenExtracted_thenChannelsRanksAndOverlapsAreEncoded() {
    var cs =
        List.of(
            c("a", 0, 0.9, 10.0, 0.8, "the patent license terminates on litigation"),
            c("b", 2, 0.7, Double.NaN, 0.9, "copyright notice and this permission notice"),
            c("a", 1, 0.5, 5.0, Double.NaN, "unrelated words entirely"));
    Map<String, Integer> chunks = Map.of("a", 2, "b", 3);
    float[][] v = new RerankFeatures().extract("patent licenses terminate", cs, chunks::get);

    assertThat(v).hasNumberOfRows(3);
    assertThat(v[0]).hasSize(RerankFeatures.COUNT);
    // BM25: raw, normalised to the query's best, ranked among the chunks BM25 found.
    assertThat(v[0][f("bm25")]).isEqualTo(10f);
    assertThat(v[2][f("bm25_norm")]).isEqualTo(0.5f);
    assertThat(v[1][f("bm25")]).isNaN();
    assertThat(v[1][f("bm25_norm")]).isNaN();
    assertThat(v[1][f("bm25_rank")]).isNaN();
    assertThat(v[0][f("bm25_rank")]).isEqualTo(1f);
    assertThat(v[2][f("bm25_rank")]).isEqualTo(2f);
    assertThat(v[1][f("in_bm25")]).isZero();
    assertThat(v[0][f("in_bm25")]).isEqualTo(1f);
    // Dense: b is the nearest; c was not found by it.
    assertThat(v[1][f("dense_rank")]).isEqualTo(1f);
    assertThat(v[0][f("dense_rank")]).isEqualTo(2f);
    assertThat(v[2][f("cosine")]).isNaN();
    assertThat(v[2][f("in_dense")]).isZero();
    assertThat(v[0][f("cosine_gap")]).isCloseTo(0.1f, org.assertj.core.data.Offset.offset(1e-6f));
    // Hybrid: the list's order and score.
    assertThat(v[2][f("hybrid_rank")]).isEqualTo(3f);
    assertThat(v[1][f("hybrid_score")]).isEqualTo(0.7f);
    // Overlaps use the English analyzer: "licenses"/"license" and "terminate"/"terminates" stem.
    assertThat(v[0][f("query_terms")]).isEqualTo(3f);
    assertThat(v[0][f("text_overlap")]).isEqualTo(1f);
    assertThat(v[2][f("text_overlap")]).isZero();
    assertThat(v[0][f("title_overlap")])
        .isCloseTo(2f / 3, org.assertj.core.data.Offset.offset(1e-6f));
    // Position and lengths.
    assertThat(v[1][f("chunk_position")]).isEqualTo(2f);
    assertThat(v[1][f("chunk_position_fraction")]).isEqualTo(1f);
    assertThat(v[2][f("chunk_position_fraction")]).isEqualTo(1f);
    assertThat(v[0][f("chunk_words")]).isEqualTo(6f);
    assertThat(v[1][f("document_chunks")]).isEqualTo(3f);
    // Channels that do not exist yet.
    for (float[] row : v) {
      assertThat(row[f("recency")]).isNaN();
      assertThat(row[f("provenance_trust")]).isNaN();
    }
  }

  @Test
  void givenASingleChunkDocumentAndAStopwordQuery_thenNotApplicableIsNaN() {
    var cs = List.of(c("a", 0, 1.0, 2.0, 0.5, "text"));
    float[][] v = new RerankFeatures().extract("the and of", cs, id -> 1);
    assertThat(v[0][f("query_terms")]).isZero();
    assertThat(v[0][f("text_overlap")]).isNaN();
    assertThat(v[0][f("chunk_position_fraction")]).isNaN();
    assertThat(new RerankFeatures().extract("q", List.of(), id -> 1)).isEmpty();
  }
}
