package dev.maestro.core.field;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The context field's score function without its redundancy term (that one depends on what was
 * already selected; {@link FieldAssembler} applies it during MMR), and the similarity MMR measures
 * redundancy with.
 *
 * <p>Features: {@code rerank} and {@code cosine} as the candidate carries them; {@code bm25}
 * divided by the largest BM25 in the candidate set (so the best lexical match scores 1); recency as
 * {@code 0.5^(age / halfLife)} of the newest provenance's {@code recordedAt} (age measured from
 * {@code now}, a future instant counts as age 0); trust as the highest provenance trust. A missing
 * feature contributes 0 and is listed in {@link ScoreBreakdown#missing()}.
 *
 * <p>Pure: the same candidates, weights and instant give the same breakdowns.
 */
public final class FieldScoring {

  /** The default recency half-life. */
  public static final Duration DEFAULT_HALF_LIFE = Duration.ofDays(30);

  private final Duration halfLife;

  /** Scoring with recency halving every {@code halfLife} (positive). */
  public FieldScoring(Duration halfLife) {
    this.halfLife = Objects.requireNonNull(halfLife, "halfLife");
    if (halfLife.isNegative() || halfLife.isZero()) {
      throw new IllegalArgumentException("halfLife must be positive: " + halfLife);
    }
  }

  /** Scoring with {@link #DEFAULT_HALF_LIFE}. */
  public FieldScoring() {
    this(DEFAULT_HALF_LIFE);
  }

  /** The recency half-life. */
  public Duration halfLife() {
    return halfLife;
  }

  /**
   * The breakdown of every candidate (ids distinct), keyed by id in the candidates' order, with
   * redundancy 0 (so {@code score == relevance}).
   */
  public Map<String, ScoreBreakdown> relevance(
      List<FieldCandidate> candidates, FieldWeights weights, Instant now) {
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(now, "now");
    double maxBm25 = 0;
    for (FieldCandidate c : candidates) {
      Double b = c.feature(FieldCandidate.BM25);
      if (b != null) maxBm25 = Math.max(maxBm25, b);
    }
    var out = new LinkedHashMap<String, ScoreBreakdown>();
    for (FieldCandidate c : candidates) {
      var missing = new ArrayList<String>(5);
      double rerank = orMissing(c.feature(FieldCandidate.RERANK), "rerank", missing);
      double cosine = orMissing(c.feature(FieldCandidate.COSINE), "cosine", missing);
      Double b = c.feature(FieldCandidate.BM25);
      double bm25 = orMissing(b == null ? null : maxBm25 > 0 ? b / maxBm25 : 0.0, "bm25", missing);
      double recency = orMissing(recency(c, now), "recency", missing);
      double trust = orMissing(trust(c), "trust", missing);
      double relevance =
          weights.rel() * rerank
              + weights.sem() * cosine
              + weights.lex() * bm25
              + weights.rec() * recency
              + weights.trust() * trust;
      if (out.put(
              c.id(),
              new ScoreBreakdown(
                  rerank, cosine, bm25, recency, trust, missing, relevance, 0.0, relevance))
          != null) {
        throw new IllegalArgumentException("duplicate candidate id " + c.id());
      }
    }
    return out;
  }

  /** The recency of the newest provenance, or {@code null} when none has a recorded-at instant. */
  public Double recency(FieldCandidate c, Instant now) {
    Instant newest = null;
    for (Provenance p : c.provenance()) {
      if (p.recordedAt() != null && (newest == null || p.recordedAt().isAfter(newest))) {
        newest = p.recordedAt();
      }
    }
    if (newest == null) return null;
    double ageMs = Math.max(0, Duration.between(newest, now).toMillis());
    return Math.pow(0.5, ageMs / halfLife.toMillis());
  }

  /** The highest provenance trust, or {@code null} when none states one. */
  public static Double trust(FieldCandidate c) {
    Double best = null;
    for (Provenance p : c.provenance()) {
      if (p.trust() != null && (best == null || p.trust() > best)) best = p.trust();
    }
    return best;
  }

  /**
   * How alike two candidates are, for MMR: the cosine of their embeddings when both have one of the
   * same, non-zero-length dimension, else the Jaccard index of their lower-cased word sets.
   */
  public static double similarity(FieldCandidate a, FieldCandidate b) {
    return similarity(a, null, b, null);
  }

  /** As {@link #similarity(FieldCandidate, FieldCandidate)}, with word sets computed already. */
  static double similarity(FieldCandidate a, Set<String> wa, FieldCandidate b, Set<String> wb) {
    float[] x = a.embeddingUnsafe();
    float[] y = b.embeddingUnsafe();
    if (x != null && y != null && x.length == y.length) {
      double cos = cosine(x, y);
      if (!Double.isNaN(cos)) return cos;
    }
    return jaccard(wa != null ? wa : words(a.text()), wb != null ? wb : words(b.text()));
  }

  /** The cosine of two vectors of one dimension, {@code NaN} when either has zero length. */
  static double cosine(float[] x, float[] y) {
    double dot = 0, nx = 0, ny = 0;
    for (int i = 0; i < x.length; i++) {
      dot += (double) x[i] * y[i];
      nx += (double) x[i] * x[i];
      ny += (double) y[i] * y[i];
    }
    if (nx == 0 || ny == 0) return Double.NaN;
    return Math.max(-1.0, Math.min(1.0, dot / Math.sqrt(nx * ny)));
  }

  /** The Jaccard index of two sets; 0 when both are empty. */
  static double jaccard(Set<String> a, Set<String> b) {
    if (a.isEmpty() && b.isEmpty()) return 0.0;
    Set<String> small = a.size() <= b.size() ? a : b;
    Set<String> large = small == a ? b : a;
    int common = 0;
    for (String w : small) if (large.contains(w)) common++;
    return (double) common / (a.size() + b.size() - common);
  }

  /** The lower-cased words (maximal runs of letters and digits) of {@code text}. */
  static Set<String> words(String text) {
    var out = new HashSet<String>();
    for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (!w.isEmpty()) out.add(w);
    }
    return out;
  }

  private static double orMissing(Double v, String name, List<String> missing) {
    if (v == null) {
      missing.add(name);
      return 0.0;
    }
    return v;
  }
}
