package dev.maestro.core.tick;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

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

  /**
   * What is wrong with a goal frame's {@code parameters} (a JSON object) for this recipe, keyed by
   * parameter name ({@code ""} for a problem of the whole object); empty when they are acceptable.
   * The API rejects a create whose parameters have problems, so a step never sees parameters it
   * cannot use.
   */
  default Map<String, String> parameterProblems(JsonNode parameters) {
    return Map.of();
  }
}
