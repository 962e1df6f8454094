package dev.maestro.core.field;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One stage-1 recall candidate: a piece of text a channel proposes for the context field, with its
 * token count, every provenance it was found under, its per-feature scores and, optionally, its
 * embedding (used by MMR to measure redundancy).
 *
 * <p>Feature scores are finite; a feature a channel did not compute is absent from the map (never
 * {@code NaN}). The well-known features are {@link #RERANK}, {@link #COSINE} and {@link #BM25}; any
 * other key is carried along and ignored by the score function.
 *
 * @param id the candidate's stable id (a chunk id, an event id), unique per piece of content
 * @param channel the kind of channel that proposed it
 * @param text the text that would enter the context
 * @param tokens its size in tokens, {@code >= 0}
 * @param provenance where it came from, at least one entry
 * @param features the per-feature scores, by feature name (sorted)
 * @param embedding its unit or raw embedding, or {@code null}
 */
public record FieldCandidate(
    String id,
    Channel channel,
    String text,
    int tokens,
    List<Provenance> provenance,
    Map<String, Double> features,
    float[] embedding) {

  /** The stage-2 reranker's relevance, expected in {@code [0, 1]}. */
  public static final String RERANK = "rerank";

  /** The bi-encoder cosine between the query and the candidate, in {@code [-1, 1]}. */
  public static final String COSINE = "cosine";

  /** The raw BM25 score ({@code >= 0}); normalised within the candidate set by the scorer. */
  public static final String BM25 = "bm25";

  public FieldCandidate {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(text, "text");
    if (id.isBlank()) throw new IllegalArgumentException("candidate id must not be blank");
    if (tokens < 0) throw new IllegalArgumentException("tokens must be >= 0: " + tokens);
    provenance = List.copyOf(provenance);
    if (provenance.isEmpty()) {
      throw new IllegalArgumentException("candidate " + id + " needs at least one provenance");
    }
    var sorted = new TreeMap<String, Double>();
    for (var e : features.entrySet()) {
      Double v = Objects.requireNonNull(e.getValue(), "feature " + e.getKey());
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException(
            "feature " + e.getKey() + " of candidate " + id + " must be finite: " + v);
      }
      sorted.put(Objects.requireNonNull(e.getKey(), "feature name"), v);
    }
    if (sorted.containsKey(BM25) && sorted.get(BM25) < 0) {
      throw new IllegalArgumentException("bm25 must be >= 0: " + sorted.get(BM25));
    }
    features = java.util.Collections.unmodifiableSortedMap(sorted);
    embedding = embedding == null ? null : embedding.clone();
  }

  /** A candidate with one provenance and no embedding. */
  public static FieldCandidate of(
      String id,
      Channel channel,
      String text,
      int tokens,
      Provenance provenance,
      Map<String, Double> features) {
    return new FieldCandidate(id, channel, text, tokens, List.of(provenance), features, null);
  }

  /** A copy of the embedding, or {@code null}. */
  @Override
  public float[] embedding() {
    return embedding == null ? null : embedding.clone();
  }

  /** Whether the candidate carries an embedding. */
  public boolean hasEmbedding() {
    return embedding != null;
  }

  /** The feature's score, or {@code null} when the candidate does not carry it. */
  public Double feature(String name) {
    return features.get(name);
  }

  /** This candidate with {@code embedding} attached. */
  public FieldCandidate withEmbedding(float[] vector) {
    return new FieldCandidate(id, channel, text, tokens, provenance, features, vector);
  }

  /**
   * This candidate merged with another proposal of the same id: the best score per feature, every
   * provenance (this one's first, no repeats), this one's text, tokens and channel, and this one's
   * embedding unless it has none.
   */
  public FieldCandidate mergedWith(FieldCandidate other) {
    if (!id.equals(other.id)) {
      throw new IllegalArgumentException("cannot merge " + id + " with " + other.id);
    }
    var merged = new TreeMap<>(features);
    other.features.forEach((k, v) -> merged.merge(k, v, Math::max));
    var prov = new ArrayList<>(provenance);
    for (Provenance p : other.provenance) if (!prov.contains(p)) prov.add(p);
    return new FieldCandidate(
        id, channel, text, tokens, prov, merged, embedding != null ? embedding : other.embedding);
  }

  float[] embeddingUnsafe() {
    return embedding;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldCandidate c
        && id.equals(c.id)
        && channel == c.channel
        && text.equals(c.text)
        && tokens == c.tokens
        && provenance.equals(c.provenance)
        && features.equals(c.features)
        && Arrays.equals(embedding, c.embedding);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        id, channel, text, tokens, provenance, features, Arrays.hashCode(embedding));
  }

  @Override
  public String toString() {
    return "FieldCandidate[id="
        + id
        + ", channel="
        + channel.wire()
        + ", tokens="
        + tokens
        + ", features="
        + features
        + ", provenance="
        + provenance
        + (embedding == null ? "" : ", embedding=" + embedding.length + "d")
        + "]";
  }
}
