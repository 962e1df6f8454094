package dev.maestro.eval.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.budget.BudgetLedger;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.error.BudgetExceededException;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.tick.Recipe;
import dev.maestro.core.tick.StepContext;
import dev.maestro.core.tick.StepResult;
import dev.maestro.core.wake.WakeCondition;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The chaos workload's step code. Each step emits one marker {@code tool_call} whose call id is the
 * wake id (so a duplicated or lost step shows in the log), reserves and settles its cost through
 * the real budget ledger and records the charge, then waits as its plan says (a timer, a stream
 * message or an approve signal) or completes after {@code steps} steps, or as soon as the ledger
 * refuses a reservation (the hard cap).
 *
 * <p>Parameters: {@code steps} (int), {@code waits} (one of {@code timer | stream | signal} per
 * step but the last), {@code sleeps} (seconds, per step), {@code cost} (dollars per step).
 */
final class ChaosRecipe implements Recipe {

  static final String NAME = "chaos";
  static final String MARKER_TOOL = "chaos.mark";
  static final String TOPIC = "chaos.feed";
  static final String PRICE_TABLE = "chaos-v1";
  static final long TOKENS_IN = 120;
  static final long TOKENS_OUT = 40;

  private final BudgetLedger ledger;
  private final FaultArm arm;

  ChaosRecipe(BudgetLedger ledger, FaultArm arm) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.arm = Objects.requireNonNull(arm, "arm");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StepResult step(StepContext context) {
    Continuation c = context.continuation();
    JsonNode params = c.goalFrame().parameters();
    int step = c.workingState().path("steps").asInt(0) + 1;
    String wakeId = context.wake().id();

    ObjectNode args = JsonNodeFactory.instance.objectNode().put("step", step).put("wake", wakeId);
    context.emit(
        new EventPayload.ToolCall(
            wakeId, MARKER_TOOL, args, JsonNodeFactory.instance.objectNode(), true));

    arm.reach(CrashPoint.MID_STEP_BEFORE_CHARGE);
    boolean exhausted = false;
    BigDecimal cost = new BigDecimal(params.path("cost").asText("0"));
    var spender = new BudgetLedger.Spender(c.id(), c.lineage().root(), c.tenant());
    try {
      BudgetLedger.Reservation held = ledger.reserve(spender, cost, TOKENS_IN + TOKENS_OUT);
      BudgetLedger.Settlement settled = ledger.settle(held, cost, TOKENS_IN + TOKENS_OUT);
      arm.reach(CrashPoint.MID_STEP_AFTER_CHARGE);
      context.emit(
          new EventPayload.BudgetCharged(
              wakeId, settled.chargedUsd(), TOKENS_IN, TOKENS_OUT, PRICE_TABLE));
    } catch (BudgetExceededException capped) {
      exhausted = true;
    }
    arm.runMidStep();

    ObjectNode state = JsonNodeFactory.instance.objectNode().put("steps", step);
    int steps = params.path("steps").asInt();
    if (exhausted || step >= steps) {
      ObjectNode result =
          JsonNodeFactory.instance
              .objectNode()
              .put("reason", exhausted ? "budget" : "done")
              .put("steps", step);
      return new StepResult.Complete(result, state);
    }
    String wait = params.path("waits").path(step - 1).asText();
    return switch (wait) {
      case "timer" -> {
        Duration sleep = Duration.ofSeconds(params.path("sleeps").path(step - 1).asLong(1));
        yield new StepResult.Sleep(
            context.timerAt(context.now().plus(sleep)), "chaos: timer " + sleep, state);
      }
      case "stream" ->
          new StepResult.Sleep(
              new WakeCondition.Stream(TOPIC, streamPredicate(c)), "chaos: stream", state);
      case "signal" ->
          new StepResult.Sleep(
              new WakeCondition.Signal(Set.of("approve")), "chaos: approval", state);
      default -> new StepResult.Fail("bad_plan", "no wait kind '" + wait + "' at step " + step);
    };
  }

  /** The stream predicate a continuation waits with: any message naming it. */
  static ObjectNode streamPredicate(Continuation c) {
    return JsonNodeFactory.instance.objectNode().put("cont", c.id().value());
  }

  @Override
  public Map<String, String> parameterProblems(JsonNode parameters) {
    var problems = new TreeMap<String, String>();
    if (!parameters.path("steps").canConvertToInt() || parameters.path("steps").asInt() < 1)
      problems.put("steps", "must be a positive integer");
    if (!parameters.path("waits").isArray()) problems.put("waits", "must be an array");
    return problems;
  }
}
