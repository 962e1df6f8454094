package dev.maestro.eval.learn;

import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.policy.Branch;
import dev.maestro.core.policy.Tier;
import java.math.BigDecimal;
import java.util.List;

/**
 * What followed one recorded decision in a continuation's log, up to the next decision: the tier
 * its first model call ran at, what its model calls cost, whether its first {@code quality_check}
 * tool call passed ({@code result.passed}), and the branch it took (a {@code fork} event: fork,
 * with as many sub-goals as fork events; the continuation completing: complete; otherwise
 * continue). Training labels, the shadow report and counterfactual replay all read a step this way.
 *
 * @param tier the tier the step's first model call ran at, or null when it ran none
 * @param usd what the step's model calls cost
 * @param tokensIn the step's input tokens
 * @param tokensOut the step's output tokens
 * @param passed whether the step's quality check passed, or null when none was recorded
 * @param branch the branch the step took
 * @param forks the number of sub-goals when it forked
 */
public record StepOutcome(
    Tier tier,
    BigDecimal usd,
    long tokensIn,
    long tokensOut,
    Boolean passed,
    Branch branch,
    int forks) {

  /** The name of the tool call that records a step's quality check. */
  public static final String QUALITY_CHECK = "quality_check";

  /** Whether the step ran a model call. */
  public boolean ranStep() {
    return tier != null;
  }

  /** What followed the decision at {@code decisionIndex} in {@code log}. */
  public static StepOutcome after(List<EventEnvelope> log, int decisionIndex) {
    Tier tier = null;
    BigDecimal usd = BigDecimal.ZERO;
    long in = 0;
    long out = 0;
    Boolean passed = null;
    int forks = 0;
    boolean completed = false;
    for (int j = decisionIndex + 1; j < log.size(); j++) {
      EventPayload p = log.get(j).payload();
      if (p instanceof EventPayload.Decided) break;
      if (p instanceof EventPayload.ModelCall m) {
        if (tier == null) tier = Tier.fromWire(m.tier());
        usd = usd.add(m.usd());
        in += m.tokensIn();
        out += m.tokensOut();
      } else if (p instanceof EventPayload.ToolCall t
          && passed == null
          && QUALITY_CHECK.equals(t.tool())) {
        passed = t.result().path("passed").asBoolean(false);
      } else if (p instanceof EventPayload.Forked) {
        forks++;
      } else if (p instanceof EventPayload.Completed) {
        completed = true;
      }
    }
    Branch branch = forks > 0 ? Branch.FORK : completed ? Branch.COMPLETE : Branch.CONTINUE;
    return new StepOutcome(tier, usd, in, out, passed, branch, forks);
  }
}
