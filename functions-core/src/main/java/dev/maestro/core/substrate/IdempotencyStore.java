package dev.maestro.core.substrate;

import dev.maestro.core.continuation.TenantId;
import java.time.Instant;
import java.util.Objects;

/**
 * Remembers which resource a client's {@code Idempotency-Key} created, so that a retried POST
 * returns the first result instead of creating a second resource. Keys are tenant-scoped.
 */
public interface IdempotencyStore {

  /** A key's first use: the request it was used with and the resource it names. */
  record Claim(String key, String requestFingerprint, String resourceId, Instant claimedAt) {
    public Claim {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(requestFingerprint, "requestFingerprint");
      Objects.requireNonNull(resourceId, "resourceId");
      Objects.requireNonNull(claimedAt, "claimedAt");
    }
  }

  /**
   * Claims {@code key} for {@code proposed} if it is unclaimed for {@code tenant}; returns the
   * stored claim either way (the proposed one when it won). Atomic: of concurrent claims of one
   * key, exactly one wins.
   */
  Claim claim(TenantId tenant, Claim proposed);
}
