package dev.maestro.field.eval;

import dev.maestro.field.Candidate;
import dev.maestro.field.FieldIndex;
import dev.maestro.field.Fusion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Ranks documents for a query by their best chunk: {@code poolFactor × top} chunks are retrieved
 * per channel, fused when hybrid, and each document keeps its best-scoring chunk's score.
 */
public final class DocumentRanker {

  /** Which channel(s) rank. */
  public enum Mode {
    BM25,
    DENSE,
    HYBRID;

    /** Parses {@code bm25}, {@code dense} or {@code hybrid}. */
    public static Mode parse(String s) {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
  }

  private final FieldIndex index;
  private final Mode mode;
  private final Fusion fusion;
  private final int poolFactor;

  /** A ranker over {@code index}; {@code fusion} applies to {@link Mode#HYBRID} only. */
  public DocumentRanker(FieldIndex index, Mode mode, Fusion fusion, int poolFactor) {
    if (poolFactor < 1) throw new IllegalArgumentException("poolFactor must be >= 1");
    this.index = index;
    this.mode = mode;
    this.fusion = fusion;
    this.poolFactor = poolFactor;
  }

  /** Whether ranking needs the query's vector. */
  public boolean needsVector() {
    return mode != Mode.BM25;
  }

  /**
   * The {@code top} documents for {@code query} (whose vector may be null for BM25), best first.
   */
  public List<TrecRun.Entry> rank(String query, float[] vector, int top) {
    int pool = top * poolFactor;
    List<Candidate> chunks =
        switch (mode) {
          case BM25 -> index.bm25(query, pool);
          case DENSE -> index.dense(vector, pool);
          case HYBRID -> index.hybrid(query, vector, pool, fusion);
        };
    Map<String, Double> best = new LinkedHashMap<>();
    for (Candidate c : chunks) best.merge(c.docId(), c.score(), Math::max);
    List<Map.Entry<String, Double>> docs = new ArrayList<>(best.entrySet());
    docs.sort(
        Map.Entry.<String, Double>comparingByValue()
            .reversed()
            .thenComparing(Map.Entry.comparingByKey()));
    List<TrecRun.Entry> out = new ArrayList<>(Math.min(top, docs.size()));
    for (int i = 0; i < Math.min(top, docs.size()); i++)
      out.add(new TrecRun.Entry(docs.get(i).getKey(), i + 1, docs.get(i).getValue()));
    return out;
  }
}
