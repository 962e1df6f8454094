package dev.maestro.core.tick;

/**
 * Step code: what a continuation does in one tick. A recipe reads the state and the wake from the
 * {@link StepContext}, emits effect events through it (model and tool calls, charges, publishes)
 * and returns what happens next. Recipes must be safe to re-run: a worker that dies mid-tick has
 * the step run again by the next worker, from the state as of the tick's {@code wake} event.
 */
public interface Recipe {

  /** The name a goal frame selects this recipe by. */
  String name();

  /** Runs one step. Throwing ends the continuation as FAILED with an {@code error} event. */
  StepResult step(StepContext context);
}
