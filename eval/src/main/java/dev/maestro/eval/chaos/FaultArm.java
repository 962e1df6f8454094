package dev.maestro.eval.chaos;

/**
 * One worker's armed fault: a {@link CrashPoint} at which it dies, or a hook the recipe runs
 * mid-step (the clock jumping past the lease while another worker takes over). One-shot: a fault
 * fires at most once, and a dead worker stays dead until the driver restarts it.
 */
final class FaultArm {

  private CrashPoint armed;
  private Runnable midStep;
  private CrashPoint diedAt;
  private boolean midStepRan;

  /** Arms death at {@code point} for the next delivery. */
  synchronized void armDeath(CrashPoint point) {
    armed = point;
  }

  /** Arms {@code hook} to run once inside the next step, after its effects were computed. */
  synchronized void armMidStep(Runnable hook) {
    midStep = hook;
  }

  /** Disarms everything and brings a dead worker back (a new process). */
  synchronized void restart() {
    armed = null;
    midStep = null;
    diedAt = null;
    midStepRan = false;
  }

  /** Where the worker died, or null. */
  synchronized CrashPoint diedAt() {
    return diedAt;
  }

  /** Whether the mid-step hook ran. */
  synchronized boolean midStepRan() {
    return midStepRan;
  }

  /** A dead worker makes no further call. */
  synchronized void ensureAlive() {
    if (diedAt != null) throw new WorkerDeath(diedAt);
  }

  /** Called when a tick reaches {@code point}: dies there if armed for it. */
  synchronized void reach(CrashPoint point) {
    ensureAlive();
    if (armed == point) {
      armed = null;
      diedAt = point;
      throw new WorkerDeath(point);
    }
  }

  /** Runs the armed mid-step hook once (outside this arm's lock: it runs another worker). */
  void runMidStep() {
    Runnable hook;
    synchronized (this) {
      ensureAlive();
      hook = midStep;
      midStep = null;
      if (hook != null) midStepRan = true;
    }
    if (hook != null) hook.run();
  }
}
