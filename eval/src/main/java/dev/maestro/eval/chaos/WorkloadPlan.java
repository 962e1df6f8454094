package dev.maestro.eval.chaos;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.budget.BudgetLimits;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * What one continuation of a schedule does and how it must end.
 *
 * @param steps how many steps it runs when nothing stops it
 * @param waits what it waits for after each step but the last ({@code timer | stream | signal})
 * @param sleeps timer lengths in seconds, per step
 * @param cost dollars each step charges
 * @param ending how it must end
 * @param killAfter for {@link Ending#KILLED}: the step after which it waits for an approval and is
 *     sent a kill instead
 */
record WorkloadPlan(
    int steps,
    List<String> waits,
    List<Integer> sleeps,
    BigDecimal cost,
    Ending ending,
    int killAfter) {

  /** The expected end of a continuation. */
  enum Ending {
    /** Completes with {@code reason: done} after all its steps. */
    DONE,
    /** Its hard cap is below its steps' cost: completes with {@code reason: budget} early. */
    BUDGET,
    /** Killed by a signal while it waits for an approval. */
    KILLED
  }

  private static final List<String> WAIT_KINDS = List.of("timer", "stream", "signal");

  /** A random plan. */
  static WorkloadPlan random(RandomGenerator rng) {
    int steps = 2 + rng.nextInt(5);
    var waits = new ArrayList<String>();
    var sleeps = new ArrayList<Integer>();
    for (int s = 1; s <= steps; s++) {
      waits.add(WAIT_KINDS.get(rng.nextInt(WAIT_KINDS.size())));
      sleeps.add(1 + rng.nextInt(20));
    }
    waits.remove(waits.size() - 1);
    BigDecimal cost = BigDecimal.valueOf(1 + rng.nextInt(5), 2);
    double roll = rng.nextDouble();
    Ending ending = Ending.DONE;
    int killAfter = 0;
    if (steps >= 3 && roll < 0.2) {
      ending = Ending.BUDGET;
    } else if (roll < 0.4) {
      ending = Ending.KILLED;
      killAfter = 1 + rng.nextInt(steps - 1);
      waits.set(killAfter - 1, "signal");
    }
    return new WorkloadPlan(steps, waits, sleeps, cost, ending, killAfter);
  }

  /**
   * The hard cap: ten times what the steps cost (room for steps re-run after crashes, which the
   * ledger charges again), or, for {@link Ending#BUDGET}, half a step short of {@code steps - 1}.
   */
  BudgetLimits limits() {
    BigDecimal max =
        ending == Ending.BUDGET
            ? cost.multiply(BigDecimal.valueOf(steps - 1))
                .subtract(cost.divide(BigDecimal.TWO, 4, RoundingMode.HALF_UP))
            : cost.multiply(BigDecimal.valueOf(10L * steps));
    return BudgetLimits.ofUsd(max, 0);
  }

  /** The recipe's parameters. */
  ObjectNode parameters() {
    ObjectNode p = JsonNodeFactory.instance.objectNode();
    p.put("steps", steps);
    ArrayNode w = p.putArray("waits");
    waits.forEach(w::add);
    ArrayNode s = p.putArray("sleeps");
    sleeps.forEach(s::add);
    p.put("cost", cost.toPlainString());
    return p;
  }
}
