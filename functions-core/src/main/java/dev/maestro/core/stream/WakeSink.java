package dev.maestro.core.stream;

import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.wake.Wake;

/**
 * Where stream wakes go. Delivery is at least once; the wake id makes a repeat harmless. A failure
 * is an exception, which the handlers report as a retryable batch failure.
 */
public interface WakeSink {

  /** Hands {@code wake} to the continuation {@code ref}'s tick path. */
  void deliver(ContinuationRef ref, Wake wake);
}
