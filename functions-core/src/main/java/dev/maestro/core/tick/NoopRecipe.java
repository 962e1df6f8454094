package dev.maestro.core.tick;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The lifecycle recipe: the first tick sleeps for {@code parameters.sleep} (an ISO-8601 duration,
 * default 30 s), the second completes. {@code parameters.stepDelay} makes each step take that long
 * (wall-clock), which lets crash tests kill a worker mid-tick.
 */
public final class NoopRecipe implements Recipe {

  public static final String NAME = "noop";
  static final Duration DEFAULT_SLEEP = Duration.ofSeconds(30);
  private static final Duration MAX_DURATION = Duration.ofDays(365);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StepResult step(StepContext context) {
    JsonNode params = context.continuation().goalFrame().parameters();
    pause(duration(params, "stepDelay", Duration.ZERO));
    int ticks = context.continuation().workingState().path("ticks").asInt(0) + 1;
    ObjectNode state = JsonNodeFactory.instance.objectNode().put("ticks", ticks);
    if (ticks == 1) {
      Duration sleep = duration(params, "sleep", DEFAULT_SLEEP);
      state.put("phase", "slept");
      return new StepResult.Sleep(
          context.timerAt(context.now().plus(sleep)), "noop: sleeping " + sleep, state);
    }
    state.put("phase", "done");
    ObjectNode result =
        JsonNodeFactory.instance
            .objectNode()
            .put("summary", "noop lifecycle finished")
            .put("ticks", ticks);
    return new StepResult.Complete(result, state);
  }

  @Override
  public Map<String, String> parameterProblems(JsonNode params) {
    var problems = new TreeMap<String, String>();
    for (var it = params.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!field.equals("sleep") && !field.equals("stepDelay")) {
        problems.put(field, "is not a parameter of the noop recipe (sleep, stepDelay)");
        continue;
      }
      JsonNode value = params.get(field);
      if (!value.isTextual()) {
        problems.put(field, "must be an ISO-8601 duration string such as PT30S");
        continue;
      }
      try {
        Duration d = Duration.parse(value.asText());
        if (d.isNegative()) problems.put(field, "must not be negative");
        else if (d.compareTo(MAX_DURATION) > 0) problems.put(field, "must be at most 365 days");
      } catch (DateTimeParseException e) {
        problems.put(field, "must be an ISO-8601 duration string such as PT30S");
      }
    }
    return problems;
  }

  private static Duration duration(JsonNode params, String field, Duration fallback) {
    JsonNode value = params.get(field);
    return value == null ? fallback : Duration.parse(value.asText());
  }

  private static void pause(Duration delay) {
    if (delay.isZero()) return;
    try {
      Thread.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during the step delay", e);
    }
  }
}
