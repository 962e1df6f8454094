package dev.maestro.aws.scheduler;

import dev.maestro.core.substrate.ScheduledWake;

/**
 * Starts a tick for a wake that is due now, without going through a schedule. At least once: an
 * implementation may start a tick for the same wake twice, which the lease and the wake id make
 * harmless.
 */
@FunctionalInterface
public interface TickStarter {

  /** Starts a tick that delivers {@code wake}; throws if it could not be started. */
  void start(ScheduledWake wake);
}
