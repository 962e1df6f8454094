package dev.maestro.core.lease;

import java.time.Instant;
import java.util.Objects;

/**
 * Exclusive right to run a continuation's tick until {@code expiresAt}. {@code generation} is the
 * fencing token: it increases on every acquisition, and every write made under the lease carries
 * it, so a holder whose lease lapsed (a zombie) can write nothing once another worker took over.
 */
public record Lease(String holder, Instant expiresAt, long generation) {

  public Lease {
    Objects.requireNonNull(holder, "holder");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (holder.isBlank()) throw new IllegalArgumentException("lease holder must not be blank");
    if (generation < 1) throw new IllegalArgumentException("lease generation starts at 1");
  }

  /** Whether the lease still excludes others at {@code now}. */
  public boolean isLiveAt(Instant now) {
    return now.isBefore(expiresAt);
  }
}
