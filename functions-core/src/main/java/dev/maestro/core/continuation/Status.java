package dev.maestro.core.continuation;

/** Lifecycle status of a continuation, as folded from its events. */
public enum Status {
  /** Spawned; its first wake has not run yet. */
  CREATED,
  /** A tick is in progress (or was interrupted and will be resumed). */
  RUNNING,
  /** Waiting for a timer. */
  SLEEPING,
  /** Waiting for a signal, a stream event or a sibling's publish (possibly with a timeout). */
  WAITING,
  /** Finished with a result. Terminal. */
  COMPLETED,
  /** Stopped by a human or by a budget hard cap. Terminal. */
  KILLED,
  /** Stopped by an unrecoverable error. Terminal. */
  FAILED;

  /** Whether no further event may be appended after this status. */
  public boolean isTerminal() {
    return this == COMPLETED || this == KILLED || this == FAILED;
  }
}
