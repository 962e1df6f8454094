package dev.maestro.core.dispatch;

import java.util.List;

/**
 * No route of a tier answered: every provider was unconfigured, had its circuit open, or failed
 * retryably. {@link #failover()} says which and why, for the error event.
 */
public final class DispatchFailedException extends RuntimeException {

  private final List<String> failover;

  public DispatchFailedException(String tier, List<String> failover) {
    super("no provider answered for tier " + tier + ": " + failover);
    this.failover = List.copyOf(failover);
  }

  /** Each provider tried or skipped, as {@code provider:reason}, in route order. */
  public List<String> failover() {
    return failover;
  }
}
