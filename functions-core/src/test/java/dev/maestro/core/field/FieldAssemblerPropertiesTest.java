package dev.maestro.core.field;

import static dev.maestro.core.field.Fixtures.NOW;
import static dev.maestro.core.field.Fixtures.query;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Invariants of assembly over arbitrary candidate sets, budgets and weights. */
class FieldAssemblerPropertiesTest {

  private static final String[] WORDS = {
    "licence", "copy", "grant", "patent", "notice", "warranty", "source", "binary", "file", "user"
  };

  /** A varied candidate set from a seed: repeated ids, missing features, some embeddings. */
  static List<FieldCandidate> candidates(long seed) {
    var r = new SplittableRandom(seed);
    int n = r.nextInt(40);
    var out = new ArrayList<FieldCandidate>(n);
    for (int i = 0; i < n; i++) {
      String id = "c" + r.nextInt(Math.max(1, n));
      var features = new HashMap<String, Double>();
      if (r.nextBoolean()) features.put(FieldCandidate.RERANK, r.nextDouble());
      if (r.nextBoolean()) features.put(FieldCandidate.COSINE, r.nextDouble() * 2 - 1);
      if (r.nextBoolean()) features.put(FieldCandidate.BM25, r.nextDouble() * 20);
      var prov =
          new Provenance(
              "src" + r.nextInt(3),
              "doc" + r.nextInt(10),
              r.nextBoolean() ? null : NOW.minus(Duration.ofHours(r.nextInt(2000))),
              r.nextBoolean() ? null : r.nextInt(11) / 10.0);
      var text = new StringBuilder();
      for (int w = r.nextInt(6); w >= 0; w--)
        text.append(WORDS[r.nextInt(WORDS.length)]).append(' ');
      float[] vec = null;
      if (r.nextInt(3) > 0) {
        vec = new float[4];
        for (int d = 0; d < 4; d++) vec[d] = (float) (r.nextDouble() * 2 - 1);
      }
      Channel ch = Channel.values()[r.nextInt(Channel.values().length)];
      out.add(
          new FieldCandidate(
              id, ch, text.toString(), r.nextInt(300), List.of(prov), features, vec));
    }
    return out;
  }

  static FieldWeights weights(long seed) {
    var r = new SplittableRandom(seed ^ 0x5DEECE66DL);
    return new FieldWeights(
        r.nextDouble() + 0.01,
        r.nextDouble(),
        r.nextDouble(),
        r.nextDouble(),
        r.nextDouble(),
        r.nextDouble());
  }

  private static FieldManifest assemble(long seed, int budget) {
    return new FieldAssembler().assemble(query(), candidates(seed), budget, weights(seed), NOW);
  }

  @Property
  void tokensUsedNeverExceedTheBudget(@ForAll long seed, @ForAll @IntRange(max = 3000) int budget) {
    FieldManifest m = assemble(seed, budget);

    assertThat(m.tokensUsed()).isLessThanOrEqualTo(budget);
    assertThat(m.items().stream().mapToInt(FieldItem::tokens).sum()).isEqualTo(m.tokensUsed());
  }

  @Property
  void everyCandidateIsKeptOrEvictedExactlyOnce(
      @ForAll long seed, @ForAll @IntRange(max = 3000) int budget) {
    List<FieldCandidate> input = candidates(seed);
    FieldManifest m = new FieldAssembler().assemble(query(), input, budget, weights(seed), NOW);

    var accounted = new ArrayList<String>();
    m.items().forEach(i -> accounted.add(i.id()));
    m.evicted().forEach(e -> accounted.add(e.id()));
    assertThat(accounted)
        .containsExactlyInAnyOrderElementsOf(input.stream().map(FieldCandidate::id).toList());
    assertThat(m.items().stream().map(FieldItem::id).distinct()).hasSize(m.items().size());
    assertThat(m.evicted()).allSatisfy(e -> assertThat(e.detail()).isNotBlank());
  }

  @Property
  void keptItemsAreOrderedByScore(@ForAll long seed, @ForAll @IntRange(max = 3000) int budget) {
    FieldManifest m = assemble(seed, budget);

    for (int i = 1; i < m.items().size(); i++) {
      assertThat(m.items().get(i).score()).isLessThanOrEqualTo(m.items().get(i - 1).score());
      assertThat(m.items().get(i).rank()).isEqualTo(i + 1);
    }
    assertThat(m.items()).allSatisfy(i -> assertThat(i.score()).isEqualTo(i.breakdown().score()));
  }

  @Property
  void assemblyIsDeterministic(@ForAll long seed, @ForAll @IntRange(max = 3000) int budget) {
    assertThat(assemble(seed, budget)).isEqualTo(assemble(seed, budget));
  }

  @net.jqwik.api.Example
  void theGeneratorReachesEveryCandidateEvictionReason() {
    var reasons = java.util.EnumSet.noneOf(Eviction.Reason.class);
    for (long seed = 0; seed < 300; seed++) {
      assemble(seed, (int) (seed * 7 % 1500)).evicted().forEach(e -> reasons.add(e.reason()));
    }

    assertThat(reasons)
        .contains(
            Eviction.Reason.OVER_BUDGET,
            Eviction.Reason.REDUNDANT,
            Eviction.Reason.BELOW_THRESHOLD,
            Eviction.Reason.DUPLICATE);
  }

  @Property(tries = 50)
  void manifestsReadBackEqualFromJson(@ForAll long seed, @ForAll @IntRange(max = 3000) int budget) {
    FieldManifest m = assemble(seed, budget);

    assertThat(
            dev.maestro.core.json.Json.read(
                dev.maestro.core.json.Json.write(m), FieldManifest.class))
        .isEqualTo(m);
  }
}
