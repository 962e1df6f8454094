package dev.maestro.field;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class FusionTest {

  private static Candidate c(String id, double score) {
    return new Candidate(id, id.split("#")[0], 0, score, Double.NaN, Double.NaN, "", "", "", "");
  }

  @Test
  void rrf_sums_reciprocal_ranks() {
    var bm25 = List.of(c("a#0", 9), c("b#0", 5));
    var dense = List.of(c("b#0", 0.9), c("c#0", 0.8));
    List<Candidate> fused = Fusion.rrf(60).fuse(bm25, dense, 10);
    assertThat(fused).extracting(Candidate::chunkId).containsExactly("b#0", "a#0", "c#0");
    assertThat(fused.getFirst().score()).isCloseTo(1 / 62.0 + 1 / 61.0, within(1e-12));
    assertThat(fused.getFirst().bm25()).isEqualTo(5);
    assertThat(fused.getFirst().cosine()).isEqualTo(0.9);
    assertThat(fused.get(1).cosine()).isNaN();
  }

  @Test
  void minmax_normalises_each_channel_and_weights_them() {
    var bm25 = List.of(c("a#0", 10), c("b#0", 6), c("c#0", 2));
    var dense = List.of(c("c#0", 0.9), c("a#0", 0.5));
    List<Candidate> fused = Fusion.minMax(0.5).fuse(bm25, dense, 2);
    // a: 0.5*1 + 0.5*0 = 0.5; b: 0.5*0.5 = 0.25; c: 0.5*0 + 0.5*1 = 0.5 -> a, c (tie by id).
    assertThat(fused).extracting(Candidate::chunkId).containsExactly("a#0", "c#0");
    assertThat(fused.getFirst().score()).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void specs_parse() {
    assertThat(Fusion.parse("rrf")).isEqualTo(Fusion.rrf(60));
    assertThat(Fusion.parse("minmax:0.3")).isEqualTo(Fusion.minMax(0.3));
    assertThatThrownBy(() -> Fusion.parse("max")).isInstanceOf(IllegalArgumentException.class);
  }
}
