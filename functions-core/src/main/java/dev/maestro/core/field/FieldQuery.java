package dev.maestro.core.field;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What the context field is assembled for: a continuation's goal frame, as text (and optionally as
 * an embedding), at a point in time, against a corpus version.
 *
 * @param tenant the tenant whose data the channels may read
 * @param continuationId the continuation the field is for
 * @param goalFrame the goal frame's text, the query every channel answers
 * @param vector the goal frame's embedding, or {@code null} (channels embed it themselves)
 * @param kPerChannel how many candidates each channel is asked for, {@code >= 1}
 * @param at the query's time: recency is measured from it, and time-travelling channels read as of
 *     it
 * @param corpusVersion the version of the indexed content the channels read, or {@code null} when
 *     unknown ({@link #UNVERSIONED})
 */
public record FieldQuery(
    TenantId tenant,
    ContinuationId continuationId,
    String goalFrame,
    float[] vector,
    int kPerChannel,
    Instant at,
    String corpusVersion) {

  /** The corpus version used when none is supplied. */
  public static final String UNVERSIONED = "unversioned";

  public FieldQuery {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(continuationId, "continuationId");
    Objects.requireNonNull(goalFrame, "goalFrame");
    Objects.requireNonNull(at, "at");
    if (kPerChannel < 1) throw new IllegalArgumentException("kPerChannel must be >= 1");
    vector = vector == null ? null : vector.clone();
    corpusVersion = corpusVersion == null || corpusVersion.isBlank() ? UNVERSIONED : corpusVersion;
  }

  /** A query without a vector, against an unversioned corpus. */
  public static FieldQuery of(
      TenantId tenant,
      ContinuationId continuationId,
      String goalFrame,
      int kPerChannel,
      Instant at) {
    return new FieldQuery(tenant, continuationId, goalFrame, null, kPerChannel, at, null);
  }

  /** A copy of the query vector, or {@code null}. */
  @Override
  public float[] vector() {
    return vector == null ? null : vector.clone();
  }

  /** This query against {@code version} of the corpus. */
  public FieldQuery withCorpusVersion(String version) {
    return new FieldQuery(tenant, continuationId, goalFrame, vector, kPerChannel, at, version);
  }

  /** SHA-256 (lower-case hex) of the goal frame's UTF-8 text: the cache's goal-frame key. */
  public String goalFrameHash() {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(goalFrame.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldQuery q
        && tenant.equals(q.tenant)
        && continuationId.equals(q.continuationId)
        && goalFrame.equals(q.goalFrame)
        && Arrays.equals(vector, q.vector)
        && kPerChannel == q.kPerChannel
        && at.equals(q.at)
        && corpusVersion.equals(q.corpusVersion);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        tenant, continuationId, goalFrame, Arrays.hashCode(vector), kPerChannel, at, corpusVersion);
  }

  @Override
  public String toString() {
    return "FieldQuery[tenant="
        + tenant
        + ", continuationId="
        + continuationId
        + ", kPerChannel="
        + kPerChannel
        + ", at="
        + at
        + ", corpusVersion="
        + corpusVersion
        + (vector == null ? "" : ", vector=" + vector.length + "d")
        + "]";
  }
}
