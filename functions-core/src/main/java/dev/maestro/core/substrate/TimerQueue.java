package dev.maestro.core.substrate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A {@link Scheduler} whose substrate holds the timers itself and is polled for due ones (the
 * embedded runtime; a cloud scheduler pushes instead). A due wake stays due until acknowledged, so
 * a worker that dies before acknowledging has it redelivered.
 */
public interface TimerQueue extends Scheduler {

  /** Up to {@code limit} wakes due at {@code now}, earliest first. */
  List<ScheduledWake> due(Instant now, int limit);

  /** When the earliest pending wake is due, if any. */
  Optional<Instant> nextDueAt();

  /**
   * Removes a delivered wake once its tick has finished. Does nothing if the wake was re-registered
   * with a later due time or a different payload since {@code delivered} was read.
   */
  void acknowledge(ScheduledWake delivered);
}
