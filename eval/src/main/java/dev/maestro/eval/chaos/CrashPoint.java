package dev.maestro.eval.chaos;

/** Where in a tick a worker may die: between or inside the phases claim, step, persist, release. */
enum CrashPoint {
  /** The lease write committed; nothing else happened. */
  AFTER_LEASE("after_lease"),
  /** The tick's {@code wake} event committed; the step has not run. */
  AFTER_WAKE_APPEND("after_wake_append"),
  /** Inside the recipe, before it charged the budget (the step is abandoned). */
  MID_STEP_BEFORE_CHARGE("mid_step_before_charge"),
  /** Inside the recipe, after the ledger settled its charge (money spent, nothing logged). */
  MID_STEP_AFTER_CHARGE("mid_step_after_charge"),
  /** The step's effects were computed but never appended. */
  BEFORE_STEP_APPEND("before_step_append"),
  /** The step's effects committed; the worker never learned it. */
  AFTER_STEP_APPEND("after_step_append"),
  /** The snapshot committed; the next timer was never registered. */
  AFTER_SNAPSHOT("after_snapshot"),
  /** Everything committed except the lease release: the lease must expire. */
  BEFORE_RELEASE("before_release");

  private final String wire;

  CrashPoint(String wire) {
    this.wire = wire;
  }

  String wire() {
    return wire;
  }
}
