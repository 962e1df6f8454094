package dev.maestro.azure.durable;

import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.substrate.EventLog;
import dev.maestro.core.substrate.Substrate;
import java.util.Optional;

/**
 * Reads a continuation's current state (the snapshot caught up with the log), which the {@code
 * tick} activity reports to the orchestration after delivering a wake. A port of its own so the
 * activity's reporting can be tested without a store.
 */
@FunctionalInterface
public interface ContinuationReader {

  /** The continuation's current state, or empty if it does not exist. */
  Optional<Continuation> read(ContinuationRef ref);

  /** Reads from {@code substrate}: its snapshot plus the events appended after it. */
  static ContinuationReader of(Substrate substrate) {
    return ref ->
        substrate
            .continuations()
            .find(ref.tenant(), ref.id())
            .map(snapshot -> EventLog.catchUp(substrate.events(), snapshot));
  }
}
