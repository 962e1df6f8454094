package dev.maestro.field.rerank;

import dev.maestro.field.Candidate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * The feature vectors the stage-2 reranker (v1) scores, one per (query, candidate), computed from
 * what stage-1 recall returns: the same encoding at training time ({@code maestro train-reranker})
 * and at scoring time, so a trained model sees no skew.
 *
 * <p>A feature that does not apply is missing ({@link Float#NaN}), not zero: the BM25 score of a
 * chunk the lexical channel did not retrieve, recency and provenance trust until those channels
 * exist. Whether a channel found the chunk is a 1/0 flag. Ranks are 1-based positions among the
 * candidates passed in (the hybrid list's order; BM25 and dense ranks among the candidates that
 * channel retrieved). Term overlaps use the index's English analyzer, so they count the terms BM25
 * matched on.
 *
 * <p>{@link #VERSION} changes whenever a feature is added, removed or re-encoded; a model records
 * the version and names it was trained on and is refused by another encoding.
 */
public final class RerankFeatures {

  /** The encoding's version; a model trained on another version is not loaded. */
  public static final int VERSION = 1;

  /** The features, in vector order. */
  public static final List<String> NAMES =
      List.of(
          "bm25",
          "bm25_norm",
          "cosine",
          "cosine_gap",
          "hybrid_score",
          "hybrid_rank",
          "bm25_rank",
          "dense_rank",
          "in_bm25",
          "in_dense",
          "query_terms",
          "title_overlap",
          "text_overlap",
          "chunk_position",
          "chunk_position_fraction",
          "chunk_words",
          "document_chunks",
          "recency",
          "provenance_trust");

  /** The vector length. */
  public static final int COUNT = NAMES.size();

  private static final int BM25 = 0,
      BM25_NORM = 1,
      COSINE = 2,
      COSINE_GAP = 3,
      HYBRID = 4,
      HYBRID_RANK = 5,
      BM25_RANK = 6,
      DENSE_RANK = 7,
      IN_BM25 = 8,
      IN_DENSE = 9,
      QUERY_TERMS = 10,
      TITLE_OVERLAP = 11,
      TEXT_OVERLAP = 12,
      POSITION = 13,
      POSITION_FRACTION = 14,
      WORDS = 15,
      DOC_CHUNKS = 16,
      RECENCY = 17,
      TRUST = 18;

  private final Analyzer analyzer = new EnglishAnalyzer();

  /** A feature extractor with the index's analyzer. */
  public RerankFeatures() {}

  /**
   * One vector per candidate, in the candidates' order (the hybrid ranking, best first).
   *
   * @param query the query text
   * @param candidates stage 1's candidates for the query
   * @param documentChunks how many chunks a document (by id) has; 0 or less when unknown
   */
  public float[][] extract(
      String query, List<Candidate> candidates, ToIntFunction<String> documentChunks) {
    int n = candidates.size();
    float[][] rows = new float[n][COUNT];
    if (n == 0) return rows;
    Set<String> queryTerms = new HashSet<>(terms(query));
    double maxBm25 = max(candidates, Candidate::bm25);
    double maxCosine = max(candidates, Candidate::cosine);
    int[] bm25Rank = ranks(candidates, Candidate::bm25);
    int[] denseRank = ranks(candidates, Candidate::cosine);
    Map<String, Double> titleOverlap = new HashMap<>();
    Map<String, Integer> docChunks = new HashMap<>();
    for (int i = 0; i < n; i++) {
      Candidate c = candidates.get(i);
      float[] v = rows[i];
      boolean inBm25 = !Double.isNaN(c.bm25());
      boolean inDense = !Double.isNaN(c.cosine());
      v[BM25] = inBm25 ? (float) c.bm25() : Float.NaN;
      v[BM25_NORM] = inBm25 && maxBm25 > 0 ? (float) (c.bm25() / maxBm25) : Float.NaN;
      v[COSINE] = inDense ? (float) c.cosine() : Float.NaN;
      v[COSINE_GAP] = inDense ? (float) (maxCosine - c.cosine()) : Float.NaN;
      v[HYBRID] = (float) c.score();
      v[HYBRID_RANK] = i + 1;
      v[BM25_RANK] = inBm25 ? bm25Rank[i] : Float.NaN;
      v[DENSE_RANK] = inDense ? denseRank[i] : Float.NaN;
      v[IN_BM25] = inBm25 ? 1 : 0;
      v[IN_DENSE] = inDense ? 1 : 0;
      v[QUERY_TERMS] = queryTerms.size();
      v[TITLE_OVERLAP] =
          (float)
              (double)
                  titleOverlap.computeIfAbsent(
                      c.docId(), d -> overlap(queryTerms, terms(nullToEmpty(c.title()))));
      v[TEXT_OVERLAP] = (float) overlap(queryTerms, terms(nullToEmpty(c.text())));
      int chunks = docChunks.computeIfAbsent(c.docId(), documentChunks::applyAsInt);
      v[POSITION] = c.chunkN();
      v[POSITION_FRACTION] = chunks > 1 ? (float) c.chunkN() / (chunks - 1) : Float.NaN;
      v[WORDS] = words(nullToEmpty(c.text()));
      v[DOC_CHUNKS] = chunks > 0 ? chunks : Float.NaN;
      v[RECENCY] = Float.NaN;
      v[TRUST] = Float.NaN;
    }
    return rows;
  }

  /** The analysed terms of {@code text}, in order, repeats kept. */
  List<String> terms(String text) {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = analyzer.tokenStream("text", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) out.add(term.toString());
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The share of the distinct query terms found in {@code terms}; NaN without query terms. */
  private static double overlap(Set<String> queryTerms, List<String> terms) {
    if (queryTerms.isEmpty()) return Double.NaN;
    Set<String> found = new HashSet<>(terms);
    found.retainAll(queryTerms);
    return (double) found.size() / queryTerms.size();
  }

  private static double max(List<Candidate> cs, ToDoubleFunction<Candidate> f) {
    double m = Double.NEGATIVE_INFINITY;
    for (Candidate c : cs) {
      double v = f.applyAsDouble(c);
      if (!Double.isNaN(v)) m = Math.max(m, v);
    }
    return m;
  }

  /** 1-based ranks by {@code f} (descending) among the candidates where it is not NaN. */
  private static int[] ranks(List<Candidate> cs, ToDoubleFunction<Candidate> f) {
    Integer[] order = new Integer[cs.size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(
        order,
        Comparator.<Integer>comparingDouble(
                i -> {
                  double v = f.applyAsDouble(cs.get(i));
                  return Double.isNaN(v) ? Double.POSITIVE_INFINITY : -v;
                })
            .thenComparingInt(i -> i));
    int[] rank = new int[cs.size()];
    for (int r = 0; r < order.length; r++) rank[order[r]] = r + 1;
    return rank;
  }

  private static int words(String text) {
    int count = 0;
    boolean in = false;
    for (int i = 0; i < text.length(); i++) {
      boolean ws = Character.isWhitespace(text.charAt(i));
      if (!ws && !in) count++;
      in = !ws;
    }
    return count;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
