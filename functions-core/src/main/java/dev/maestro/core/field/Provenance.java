package dev.maestro.core.field;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a candidate came from: the source (a corpus, a table, a log), the document within it, when
 * the underlying fact was recorded, and how far the source is trusted.
 *
 * @param source the source's name, never blank
 * @param uri the document's id or address within the source, never blank
 * @param recordedAt when the content was recorded, {@code null} when unknown (no recency feature)
 * @param trust the source's trust in {@code [0, 1]}, {@code null} when unknown (no trust feature)
 */
public record Provenance(String source, String uri, Instant recordedAt, Double trust) {

  public Provenance {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(uri, "uri");
    if (source.isBlank()) throw new IllegalArgumentException("provenance source must not be blank");
    if (uri.isBlank()) throw new IllegalArgumentException("provenance uri must not be blank");
    if (trust != null && !(trust >= 0.0 && trust <= 1.0)) {
      throw new IllegalArgumentException("provenance trust must be in [0, 1]: " + trust);
    }
  }

  /** Provenance with neither a recorded-at instant nor a trust. */
  public static Provenance of(String source, String uri) {
    return new Provenance(source, uri, null, null);
  }
}
