package dev.maestro.core.error;

import java.time.Instant;

/** The continuation's lease is held by another live worker until {@link #expiresAt()}. */
public final class LeaseHeldException extends ConflictException {

  private final Instant expiresAt;

  public LeaseHeldException(String message, Instant expiresAt) {
    super(message);
    this.expiresAt = expiresAt;
  }

  /** When the current holder's lease lapses if it is not renewed. */
  public Instant expiresAt() {
    return expiresAt;
  }
}
