package dev.maestro.core.tick;

import dev.maestro.core.continuation.Status;
import java.time.Instant;

/**
 * What delivering one wake did. The runtime acknowledges the wake for every outcome except {@link
 * Retry}, which asks for redelivery at or after {@code notBefore}.
 */
public sealed interface TickOutcome {

  /** The wake ran a tick (or was recorded, for a signal the continuation was not waiting for). */
  record Applied(Status status, long lastSequence) implements TickOutcome {}

  /** The wake was not applicable (duplicate, not matching, terminal, unknown continuation). */
  record Ignored(String reason) implements TickOutcome {}

  /** Deliver the wake again later: the lease is held, or an interrupted tick was resumed first. */
  record Retry(Instant notBefore, String reason) implements TickOutcome {}

  /** This worker lost its lease mid-tick; another worker owns the continuation now. */
  record Fenced(long generation) implements TickOutcome {}
}
