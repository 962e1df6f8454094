package dev.maestro.core.continuation;

import java.util.Objects;

/**
 * Where a fork's child came from: the parent continuation and the sequence of the parent's event
 * whose state (the fold up to and including it) the child copied.
 *
 * @param continuation the parent
 * @param atSequence the parent's event the child's state was taken at (at least 1)
 */
public record ForkPoint(ContinuationId continuation, long atSequence) {
  public ForkPoint {
    Objects.requireNonNull(continuation, "continuation");
    if (atSequence < 1) throw new IllegalArgumentException("atSequence must be >= 1");
  }
}
