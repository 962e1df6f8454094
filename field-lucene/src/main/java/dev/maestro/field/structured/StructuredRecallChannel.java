package dev.maestro.field.structured;

import dev.maestro.core.field.Channel;
import dev.maestro.core.field.FieldCandidate;
import dev.maestro.core.field.FieldQuery;
import dev.maestro.core.field.Provenance;
import dev.maestro.core.field.RecallChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The structured recall channel ({@link Channel#STRUCTURED}) over a {@link StructuredIndex}: the
 * records that match the goal frame, exact matches first (its {@code field:value} pairs, quoted
 * phrases, numeric comparisons and words equal to a whole field value), then by BM25 and vector
 * similarity fused as the semantic channel fuses them.
 *
 * <p>Each record becomes a candidate with id {@code table/id}, the record rendered on one line
 * ({@code table: NAME; field: value; ...}) as its text, four characters a token, two provenances
 * ({@code (table, record id)} and {@code (file, file#line)}) and the features {@code bm25} and
 * {@code cosine} (when that search retrieved it) and {@value #EXACT_MATCHES} (always). The score
 * function of the core weights {@code bm25} and {@code cosine}; {@value #EXACT_MATCHES} decides the
 * channel's own order and is carried for the reranker. The corpus version is the index's.
 *
 * <p>The channel answers at most the {@code limit} it is asked for; the index searches at least
 * {@value StructuredIndex#MIN_POOL} records per search before merging. A recall interrupted by the
 * core's deadline stops at the next search boundary. {@link #close()} closes the index (and the
 * embedder when the channel owns it); it is idempotent.
 */
public final class StructuredRecallChannel implements RecallChannel, AutoCloseable {

  /** The channel's name. */
  public static final String NAME = "structured";

  /** The feature counting the goal frame's exact-match constraints a record meets. */
  public static final String EXACT_MATCHES = "exact_matches";

  private final StructuredIndex index;
  private final AutoCloseable embedder; // closed with the channel, or null
  private final AtomicBoolean closed = new AtomicBoolean();

  /** A channel over {@code index}; with {@code ownsEmbedder}, closing it closes the embedder. */
  public StructuredRecallChannel(StructuredIndex index, boolean ownsEmbedder) {
    this.index = Objects.requireNonNull(index, "index");
    this.embedder = ownsEmbedder ? index.embedder() : null;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Channel kind() {
    return Channel.STRUCTURED;
  }

  @Override
  public String corpusVersion() {
    return index.corpusVersion();
  }

  @Override
  public List<FieldCandidate> recall(FieldQuery query, int limit) {
    if (query.goalFrame().isBlank()) return List.of();
    List<StructuredHit> hits = index.search(query.goalFrame(), query.vector(), limit);
    var out = new ArrayList<FieldCandidate>(hits.size());
    for (StructuredHit h : hits) out.add(candidate(h));
    return out;
  }

  /** {@code h} as a field candidate. */
  static FieldCandidate candidate(StructuredHit h) {
    StructuredRecord r = h.record();
    Map<String, Double> features = new TreeMap<>();
    if (Double.isFinite(h.bm25())) features.put(FieldCandidate.BM25, Math.max(0, h.bm25()));
    if (Double.isFinite(h.cosine())) features.put(FieldCandidate.COSINE, h.cosine());
    features.put(EXACT_MATCHES, (double) h.exactMatches());
    String text = r.rendered();
    return new FieldCandidate(
        r.key(),
        Channel.STRUCTURED,
        text,
        Math.max(1, (text.length() + 3) / 4),
        List.of(Provenance.of(r.table(), r.id()), Provenance.of(r.file(), r.location())),
        features,
        null);
  }

  @Override
  public void close() throws Exception {
    if (!closed.compareAndSet(false, true)) return;
    try {
      index.close();
    } finally {
      if (embedder != null) embedder.close();
    }
  }
}
