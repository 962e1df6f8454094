package dev.maestro.field;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How {@link FieldIndex#hybrid} combines the BM25 and dense result lists into one.
 *
 * <ul>
 *   <li>{@link #rrf(int)}: reciprocal rank fusion, {@code Σ 1 / (k + rank)}; ignores score scales.
 *   <li>{@link #minMax(double)}: each channel's scores min-max normalised over its own list, then
 *       {@code α·dense + (1 − α)·bm25}; a chunk missing from a channel gets 0 there.
 * </ul>
 *
 * Ties are broken by chunk id so that the fused order is deterministic.
 */
public sealed interface Fusion {

  /** The default, chosen by nDCG@10 on the SciFact dev split (see the module README). */
  Fusion DEFAULT = new MinMax(0.5);

  /** Fuses two ranked lists (best first) into at most {@code k} candidates. */
  List<Candidate> fuse(List<Candidate> bm25, List<Candidate> dense, int k);

  /** Reciprocal rank fusion with constant {@code k} (60 in the literature). */
  static Fusion rrf(int k) {
    return new Rrf(k);
  }

  /** Min-max normalised weighted sum with weight {@code alpha} on the dense channel. */
  static Fusion minMax(double alpha) {
    return new MinMax(alpha);
  }

  /** Parses {@code rrf}, {@code rrf:K}, {@code minmax} or {@code minmax:ALPHA}. */
  static Fusion parse(String spec) {
    String[] p = spec.trim().toLowerCase(java.util.Locale.ROOT).split(":", 2);
    return switch (p[0]) {
      case "rrf" -> rrf(p.length > 1 ? Integer.parseInt(p[1]) : 60);
      case "minmax" -> minMax(p.length > 1 ? Double.parseDouble(p[1]) : 0.5);
      default ->
          throw new IllegalArgumentException("fusion must be rrf[:K] or minmax[:ALPHA]: " + spec);
    };
  }

  /** Reciprocal rank fusion. */
  record Rrf(int k) implements Fusion {
    public Rrf {
      if (k < 1) throw new IllegalArgumentException("rrf k must be >= 1");
    }

    @Override
    public List<Candidate> fuse(List<Candidate> bm25, List<Candidate> dense, int limit) {
      Map<String, double[]> scores = new LinkedHashMap<>();
      Map<String, Candidate> merged = merge(bm25, dense);
      for (int r = 0; r < bm25.size(); r++)
        scores.computeIfAbsent(bm25.get(r).chunkId(), x -> new double[1])[0] += 1.0 / (k + r + 1);
      for (int r = 0; r < dense.size(); r++)
        scores.computeIfAbsent(dense.get(r).chunkId(), x -> new double[1])[0] += 1.0 / (k + r + 1);
      return top(merged, scores, limit);
    }

    @Override
    public String toString() {
      return "rrf:" + k;
    }
  }

  /** Min-max normalised weighted sum. */
  record MinMax(double alpha) implements Fusion {
    public MinMax {
      if (!(alpha >= 0 && alpha <= 1)) throw new IllegalArgumentException("alpha must be in [0,1]");
    }

    @Override
    public List<Candidate> fuse(List<Candidate> bm25, List<Candidate> dense, int limit) {
      Map<String, double[]> scores = new LinkedHashMap<>();
      Map<String, Candidate> merged = merge(bm25, dense);
      add(scores, bm25, 1 - alpha);
      add(scores, dense, alpha);
      return top(merged, scores, limit);
    }

    private static void add(Map<String, double[]> scores, List<Candidate> list, double weight) {
      double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
      for (Candidate c : list) {
        min = Math.min(min, c.score());
        max = Math.max(max, c.score());
      }
      double range = max - min;
      for (Candidate c : list) {
        double norm = range > 0 ? (c.score() - min) / range : 1.0;
        scores.computeIfAbsent(c.chunkId(), x -> new double[1])[0] += weight * norm;
      }
    }

    @Override
    public String toString() {
      return "minmax:" + alpha;
    }
  }

  private static Map<String, Candidate> merge(List<Candidate> bm25, List<Candidate> dense) {
    Map<String, Candidate> merged = new LinkedHashMap<>();
    for (Candidate c : bm25) merged.put(c.chunkId(), c.withChannels(c.score(), Double.NaN));
    for (Candidate c : dense)
      merged.merge(
          c.chunkId(),
          c.withChannels(Double.NaN, c.score()),
          (old, neu) -> old.withChannels(old.bm25(), c.score()));
    return merged;
  }

  private static List<Candidate> top(
      Map<String, Candidate> merged, Map<String, double[]> scores, int limit) {
    List<Candidate> out = new ArrayList<>(merged.size());
    for (var e : merged.entrySet()) out.add(e.getValue().withScore(scores.get(e.getKey())[0]));
    out.sort(
        Comparator.comparingDouble(Candidate::score).reversed().thenComparing(Candidate::chunkId));
    return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
  }
}
