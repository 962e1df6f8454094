package dev.maestro.core.tick;

/** What {@link TickEngine#claim} did with a wake. */
public sealed interface ClaimResult {

  /** There is a step to run; the lease is held until {@link TickEngine#release}. */
  record Claimed(Claim claim) implements ClaimResult {}

  /** The tick is over already (or must be retried); no lease is held. */
  record Done(TickOutcome outcome) implements ClaimResult {}
}
