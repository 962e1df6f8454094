package dev.maestro.eval.chaos;

/**
 * A simulated process death at a {@link CrashPoint}. An {@link Error}, not an exception, so that no
 * {@code catch (RuntimeException)} in the engine turns it into a handled failure: the worker simply
 * stops, and every port call it would still make (a {@code finally} releasing the lease) dies too.
 */
final class WorkerDeath extends Error {

  private final CrashPoint point;

  WorkerDeath(CrashPoint point) {
    super("worker died " + point.wire(), null, false, false);
    this.point = point;
  }

  /** Where the worker died. */
  CrashPoint point() {
    return point;
  }
}
