package dev.maestro.core.field;

import static dev.maestro.core.field.Fixtures.NOW;
import static dev.maestro.core.field.Fixtures.candidate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.maestro.core.error.InvalidInputException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The score function's features, weights and similarity. */
class FieldScoringTest {

  private final FieldScoring scoring = new FieldScoring(Duration.ofDays(10));

  @Test
  void givenNegativeAndNonFiniteWeights_whenConstructed_thenEachOffendingWeightIsNamed() {
    assertThatThrownBy(() -> new FieldWeights(-1, 0.2, Double.NaN, 0.1, 0.1, 0.3))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e ->
                assertThat(e.errors())
                    .extracting(InvalidInputException.FieldError::pointer)
                    .containsExactly("/rel", "/lex"));
  }

  @Test
  void givenOnlyARedundancyWeight_whenConstructed_thenRejected() {
    assertThatThrownBy(() -> new FieldWeights(0, 0, 0, 0, 0, 0.5))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("at least one");
  }

  @Test
  void givenAllFeatures_whenScored_thenTheScoreIsTheWeightedSum() {
    var weights = new FieldWeights(0.4, 0.3, 0.2, 0.1, 0.05, 0.3);
    var c =
        new FieldCandidate(
            "a",
            Channel.SEMANTIC,
            "x",
            1,
            List.of(new Provenance("corpus", "d", NOW.minus(Duration.ofDays(10)), 0.8)),
            Map.of(
                FieldCandidate.RERANK, 0.9, FieldCandidate.COSINE, 0.5, FieldCandidate.BM25, 4.0),
            null);
    var other = candidate("b", "y", 1, Map.of(FieldCandidate.BM25, 8.0));

    ScoreBreakdown b = scoring.relevance(List.of(c, other), weights, NOW).get("a");

    assertThat(b.bm25Norm()).isEqualTo(0.5);
    assertThat(b.recency()).isCloseTo(0.5, within(1e-12));
    assertThat(b.trust()).isEqualTo(0.8);
    assertThat(b.missing()).isEmpty();
    double expected = 0.4 * 0.9 + 0.3 * 0.5 + 0.2 * 0.5 + 0.1 * 0.5 + 0.05 * 0.8;
    assertThat(b.relevance()).isCloseTo(expected, within(1e-12));
    assertThat(b.score()).isEqualTo(b.relevance());
    assertThat(b.redundancy()).isZero();
  }

  @Test
  void givenMissingFeatures_whenScored_thenTheyContributeZeroAndAreListed() {
    var c = candidate("a", "x", 1, Map.of(FieldCandidate.COSINE, 0.6));

    ScoreBreakdown b = scoring.relevance(List.of(c), FieldWeights.DEFAULTS, NOW).get("a");

    assertThat(b.missing()).containsExactly("rerank", "bm25", "recency", "trust");
    assertThat(b.relevance()).isCloseTo(FieldWeights.DEFAULTS.sem() * 0.6, within(1e-12));
  }

  @Test
  void givenAFutureRecordedAt_whenScored_thenRecencyIsOne() {
    var c =
        new FieldCandidate(
            "a",
            Channel.STREAM,
            "x",
            1,
            List.of(new Provenance("s", "u", NOW.plusSeconds(60), null)),
            Map.of(),
            null);

    assertThat(scoring.recency(c, NOW)).isEqualTo(1.0);
  }

  @Test
  void givenSeveralProvenances_whenScored_thenTheNewestAndTheMostTrustedCount() {
    var c =
        new FieldCandidate(
            "a",
            Channel.SEMANTIC,
            "x",
            1,
            List.of(
                new Provenance("old", "u", NOW.minus(Duration.ofDays(20)), 0.2),
                new Provenance("new", "v", NOW.minus(Duration.ofDays(10)), 0.9),
                Provenance.of("bare", "w")),
            Map.of(),
            null);

    assertThat(scoring.recency(c, NOW)).isCloseTo(0.5, within(1e-12));
    assertThat(FieldScoring.trust(c)).isEqualTo(0.9);
  }

  @Test
  void givenEmbeddings_whenCompared_thenSimilarityIsTheirCosine() {
    var a = Fixtures.candidate("a", Channel.SEMANTIC, 1, Map.of(), 1f, 0f);
    var b = Fixtures.candidate("b", Channel.SEMANTIC, 1, Map.of(), 1f, 1f);

    assertThat(FieldScoring.similarity(a, b)).isCloseTo(Math.sqrt(0.5), within(1e-6));
  }

  @Test
  void givenNoEmbeddings_whenCompared_thenSimilarityIsTheWordJaccard() {
    var a = candidate("a", "The licence permits copying.", 1, Map.of());
    var b = candidate("b", "the LICENCE forbids copying", 1, Map.of());

    // {the, licence, copying} shared of {the, licence, permits, copying, forbids}
    assertThat(FieldScoring.similarity(a, b)).isCloseTo(3.0 / 5.0, within(1e-12));
  }

  @Test
  void givenANonFiniteFeature_whenACandidateIsBuilt_thenRejected() {
    assertThatThrownBy(() -> candidate("a", "x", 1, Map.of(FieldCandidate.COSINE, Double.NaN)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("finite");
  }
}
