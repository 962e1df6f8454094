package dev.maestro.field;

import dev.maestro.core.field.Channel;
import dev.maestro.core.field.FieldCandidate;
import dev.maestro.core.field.FieldQuery;
import dev.maestro.core.field.Provenance;
import dev.maestro.core.field.RecallChannel;
import dev.maestro.field.rerank.Reranker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The semantic recall channel over a {@link FieldIndex}: the goal frame's hybrid (BM25 + dense)
 * candidates as {@link FieldCandidate}s.
 *
 * <p>Each chunk becomes a candidate with id {@code docId#n}, the chunk's text, a token estimate of
 * four characters a token, provenance {@code (source, docId)} (source {@value #DEFAULT_SOURCE} when
 * the document has none; no recorded-at instant, no trust) and the features the index computed:
 * {@code bm25} and {@code cosine} when not {@code NaN}, {@code rerank} when a reranker scored it. A
 * query that carries a vector is searched with it; otherwise the index's embedder embeds the goal
 * frame. The corpus version is the index's.
 *
 * <p>With a {@link Reranker} (the local field source gives it the {@link
 * dev.maestro.field.rerank.CrossEncoderReranker} when one is configured), the best {@code
 * rerankTop} hybrid candidates are reranked in one call and come first, best first, each with its
 * {@code rerank} feature; the rest follow in hybrid order without one.
 *
 * <p>{@link #close()} closes the index (and the embedder, when the channel owns it, and the
 * reranker); it is idempotent.
 */
public final class IndexRecallChannel implements RecallChannel, AutoCloseable {

  /** The channel's name. */
  public static final String NAME = "semantic";

  /** The provenance source of a chunk whose document names none. */
  public static final String DEFAULT_SOURCE = "field-index";

  private final FieldIndex index;
  private final boolean ownsEmbedder;
  private final Reranker reranker; // null: stage 1 only
  private final int rerankTop;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * A channel over {@code index}; with {@code ownsEmbedder}, closing the channel also closes the
   * index's embedder.
   */
  public IndexRecallChannel(FieldIndex index, boolean ownsEmbedder) {
    this(index, ownsEmbedder, null, 0);
  }

  /**
   * A channel as above whose best {@code rerankTop} (at least 1) candidates {@code reranker}
   * (owned: closed with the channel; {@code null}: none) reorders.
   */
  public IndexRecallChannel(
      FieldIndex index, boolean ownsEmbedder, Reranker reranker, int rerankTop) {
    this.index = Objects.requireNonNull(index, "index");
    this.ownsEmbedder = ownsEmbedder;
    this.reranker = reranker;
    if (reranker != null && rerankTop < 1)
      throw new IllegalArgumentException("rerankTop must be >= 1: " + rerankTop);
    this.rerankTop = rerankTop;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Channel kind() {
    return Channel.SEMANTIC;
  }

  @Override
  public String corpusVersion() {
    return index.corpusVersion();
  }

  @Override
  public List<FieldCandidate> recall(FieldQuery query, int limit) {
    if (query.goalFrame().isBlank()) return List.of();
    float[] vector = query.vector();
    List<Candidate> hits =
        vector != null
            ? index.hybrid(query.goalFrame(), vector, limit, Fusion.DEFAULT)
            : index.hybrid(query.goalFrame(), limit);
    if (reranker != null && !hits.isEmpty()) {
      int top = Math.min(rerankTop, hits.size());
      var reordered = new ArrayList<>(reranker.rerank(query.goalFrame(), hits.subList(0, top)));
      reordered.addAll(hits.subList(top, hits.size()));
      hits = reordered;
    }
    var out = new ArrayList<FieldCandidate>(hits.size());
    for (Candidate c : hits) out.add(candidate(c));
    return out;
  }

  /** {@code c} as a field candidate. */
  static FieldCandidate candidate(Candidate c) {
    Map<String, Double> features = new TreeMap<>();
    if (Double.isFinite(c.bm25())) features.put(FieldCandidate.BM25, Math.max(0, c.bm25()));
    if (Double.isFinite(c.cosine())) features.put(FieldCandidate.COSINE, c.cosine());
    if (Double.isFinite(c.rerank())) features.put(FieldCandidate.RERANK, c.rerank());
    String source = c.source() == null || c.source().isBlank() ? DEFAULT_SOURCE : c.source();
    String text = c.text() == null ? "" : c.text();
    return FieldCandidate.of(
        c.chunkId(),
        Channel.SEMANTIC,
        text,
        Math.max(1, (text.length() + 3) / 4),
        Provenance.of(source, c.docId()),
        features);
  }

  @Override
  public void close() throws Exception {
    if (!closed.compareAndSet(false, true)) return;
    try {
      index.close();
    } finally {
      try {
        if (ownsEmbedder) index.embedder().close();
      } finally {
        if (reranker != null) reranker.close();
      }
    }
  }
}
