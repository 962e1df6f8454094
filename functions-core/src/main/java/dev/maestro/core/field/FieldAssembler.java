package dev.maestro.core.field;

import dev.maestro.core.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Assembles a context field from recall's candidates: scores them ({@link FieldScoring}), selects
 * greedily by maximal marginal relevance under a token budget, and writes the {@link FieldManifest}
 * with its evicted log.
 *
 * <p><b>Steps.</b> (1) Channels that timed out or failed are logged {@code channel_timeout} /
 * {@code channel_failed}; candidates over recall's cap are logged {@code over_cap}. (2) A repeated
 * id is merged into its first occurrence and the repeat logged {@code duplicate}. (3) Candidates
 * whose relevance is below {@link FieldSettings#minScore()} are logged {@code below_threshold}. (4)
 * MMR: repeatedly take the remaining candidate with the highest {@code relevance − red·redundancy}
 * (redundancy = highest similarity to an item kept so far; ties: higher relevance, then smaller
 * id); if its MMR score is below {@link FieldSettings#mmrFloor()} or its redundancy reaches {@link
 * FieldSettings#maxSimilarity()} it is logged {@code redundant}; else if it does not fit in the
 * budget left it is logged {@code over_budget} (smaller candidates may still fit); else it is kept.
 * (5) Kept items are ordered by score, then id.
 *
 * <p><b>Guarantees.</b> Tokens used never exceed the budget; every input candidate occurrence
 * appears exactly once, kept or evicted; the result is a pure function of the arguments (no clock,
 * no randomness), so the same input gives an equal manifest. The cost is {@code O(n²)} similarity
 * computations for {@code n} candidates.
 */
public final class FieldAssembler {

  private final FieldSettings settings;
  private final FieldScoring scoring;

  /** An assembler with {@code settings}. */
  public FieldAssembler(FieldSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.scoring = new FieldScoring(settings.recencyHalfLife());
  }

  /** An assembler with {@link FieldSettings#DEFAULTS}. */
  public FieldAssembler() {
    this(FieldSettings.DEFAULTS);
  }

  /** The settings. */
  public FieldSettings settings() {
    return settings;
  }

  /** Assembles a field from bare candidates (no channel reports). */
  public FieldManifest assemble(
      FieldQuery query,
      List<FieldCandidate> candidates,
      int budgetTokens,
      FieldWeights weights,
      Instant now) {
    return assemble(query, candidates, List.of(), List.of(), budgetTokens, weights, now);
  }

  /**
   * Assembles a field from recall's result, logging its silent channels and over-cap candidates.
   */
  public FieldManifest assemble(
      FieldQuery query, RecallResult recall, int budgetTokens, FieldWeights weights, Instant now) {
    return assemble(
        query,
        recall.candidates(),
        recall.overCap(),
        recall.channels(),
        budgetTokens,
        weights,
        now);
  }

  private FieldManifest assemble(
      FieldQuery query,
      List<FieldCandidate> candidates,
      List<FieldCandidate> overCap,
      List<ChannelReport> channels,
      int budgetTokens,
      FieldWeights weights,
      Instant now) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(now, "now");
    if (budgetTokens < 0) throw new IllegalArgumentException("budgetTokens must be >= 0");
    var evicted = new ArrayList<Eviction>();

    for (ChannelReport r : channels) {
      switch (r.outcome()) {
        case TIMED_OUT ->
            evicted.add(
                new Eviction(
                    r.name(),
                    r.kind(),
                    Eviction.Reason.CHANNEL_TIMEOUT,
                    null,
                    0,
                    "no answer within " + r.elapsedMs() + " ms"));
        case FAILED ->
            evicted.add(
                new Eviction(
                    r.name(),
                    r.kind(),
                    Eviction.Reason.CHANNEL_FAILED,
                    null,
                    0,
                    String.valueOf(r.message())));
        case ANSWERED -> {}
      }
    }
    for (FieldCandidate c : overCap) {
      evicted.add(
          new Eviction(
              c.id(), c.channel(), Eviction.Reason.OVER_CAP, null, c.tokens(), "beyond the cap"));
    }

    Map<String, FieldCandidate> distinct = new LinkedHashMap<>();
    for (FieldCandidate c : candidates) {
      FieldCandidate first = distinct.get(c.id());
      if (first == null) {
        distinct.put(c.id(), c);
      } else {
        distinct.put(c.id(), first.mergedWith(c));
        evicted.add(
            new Eviction(
                c.id(),
                c.channel(),
                Eviction.Reason.DUPLICATE,
                null,
                c.tokens(),
                "merged into its first occurrence"));
      }
    }

    List<FieldCandidate> unique = List.copyOf(distinct.values());
    Map<String, ScoreBreakdown> base = scoring.relevance(unique, weights, now);
    var pool = new ArrayList<Pending>(unique.size());
    for (FieldCandidate c : unique) {
      ScoreBreakdown b = base.get(c.id());
      if (b.relevance() < settings.minScore()) {
        evicted.add(
            new Eviction(
                c.id(),
                c.channel(),
                Eviction.Reason.BELOW_THRESHOLD,
                b.relevance(),
                c.tokens(),
                "relevance below " + settings.minScore()));
      } else {
        pool.add(new Pending(c, b, FieldScoring.words(c.text())));
      }
    }

    var kept = new ArrayList<Kept>();
    int used = 0;
    double red = weights.red();
    while (!pool.isEmpty()) {
      int best = 0;
      for (int i = 1; i < pool.size(); i++) {
        if (BY_MMR.compare(pool.get(i), pool.get(best), red) < 0) best = i;
      }
      Pending p = pool.remove(best);
      FieldCandidate c = p.candidate;
      double mmr = p.base.relevance() - red * p.maxSimilarity;
      if (mmr < settings.mmrFloor() || p.maxSimilarity >= settings.maxSimilarity()) {
        evicted.add(
            new Eviction(
                c.id(),
                c.channel(),
                Eviction.Reason.REDUNDANT,
                mmr,
                c.tokens(),
                p.mostSimilarTo == null
                    ? "MMR score below " + settings.mmrFloor()
                    : String.format(
                        java.util.Locale.ROOT,
                        "similarity %.3f to %s",
                        p.maxSimilarity,
                        p.mostSimilarTo)));
        continue;
      }
      if (c.tokens() > budgetTokens - used) {
        evicted.add(
            new Eviction(
                c.id(),
                c.channel(),
                Eviction.Reason.OVER_BUDGET,
                mmr,
                c.tokens(),
                (budgetTokens - used) + " tokens left"));
        continue;
      }
      used += c.tokens();
      kept.add(new Kept(c, p.base.withRedundancy(p.maxSimilarity, red)));
      for (Pending other : pool) {
        double s = FieldScoring.similarity(c, p.words, other.candidate, other.words);
        if (s > other.maxSimilarity) {
          other.maxSimilarity = s;
          other.mostSimilarTo = c.id();
        }
      }
    }

    kept.sort(
        Comparator.comparingDouble((Kept k) -> -k.breakdown.score())
            .thenComparing(k -> k.candidate.id()));
    var items = new ArrayList<FieldItem>(kept.size());
    for (Kept k : kept) {
      FieldCandidate c = k.candidate;
      items.add(
          new FieldItem(
              items.size() + 1,
              c.id(),
              c.channel(),
              c.text(),
              c.tokens(),
              k.breakdown.score(),
              k.breakdown,
              c.provenance()));
    }
    long ttl = settings.ttl().toSeconds();
    return new FieldManifest(
        query.continuationId(),
        query.tenant(),
        query.goalFrameHash(),
        query.corpusVersion(),
        candidateSetVersion(candidates),
        budgetTokens,
        used,
        weights,
        items,
        evicted,
        channels,
        now,
        ttl,
        now.plusSeconds(ttl));
  }

  /**
   * SHA-256 over the candidates' canonical JSON (ids, channels, text, tokens, provenance, features,
   * embeddings), in order: two candidate lists with the same version assemble the same field.
   */
  public static String candidateSetVersion(List<FieldCandidate> candidates) {
    return Json.canonicalSha256(candidates);
  }

  private interface MmrOrder {
    int compare(Pending a, Pending b, double red);
  }

  /** Higher MMR score first, then higher relevance, then smaller id. */
  private static final MmrOrder BY_MMR =
      (a, b, red) -> {
        int c =
            Double.compare(
                b.base.relevance() - red * b.maxSimilarity,
                a.base.relevance() - red * a.maxSimilarity);
        if (c != 0) return c;
        c = Double.compare(b.base.relevance(), a.base.relevance());
        if (c != 0) return c;
        return a.candidate.id().compareTo(b.candidate.id());
      };

  private static final class Pending {
    final FieldCandidate candidate;
    final ScoreBreakdown base;
    final Set<String> words;
    double maxSimilarity;
    String mostSimilarTo;

    Pending(FieldCandidate candidate, ScoreBreakdown base, Set<String> words) {
      this.candidate = candidate;
      this.base = base;
      this.words = words;
    }
  }

  private record Kept(FieldCandidate candidate, ScoreBreakdown breakdown) {}
}
