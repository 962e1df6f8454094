package dev.maestro.core.policy.learned;

import dev.maestro.core.event.EventPayload;
import dev.maestro.core.policy.Decision;
import dev.maestro.core.policy.DecisionInput;
import dev.maestro.core.policy.PolicyKernel;
import dev.maestro.core.policy.TenantPolicy;
import java.util.Objects;

/**
 * Shadow mode (BRIEF §8): the rules (v0) decide, and every decision is also scored by the learned
 * policy (v1) so that both can be recorded and compared ({@code maestro policy shadow-report})
 * before v1 is trusted with anything. v1 can never change, delay or break a decision: a missing
 * model, the kill switch or a scoring failure only leave the shadow empty, with the reason.
 *
 * <p>Thread-safe when the learned policy is.
 */
public final class ShadowKernel {

  private static final System.Logger LOG = System.getLogger(ShadowKernel.class.getName());

  private final LearnedPolicy learned;
  private final ShadowSwitch killSwitch;

  /**
   * A kernel that scores with {@code learned} (null: no model, nothing is scored) while {@code
   * killSwitch} is on.
   */
  public ShadowKernel(LearnedPolicy learned, ShadowSwitch killSwitch) {
    this.learned = learned;
    this.killSwitch = Objects.requireNonNull(killSwitch, "killSwitch");
  }

  /** The rules only: nothing is ever scored. */
  public static ShadowKernel rulesOnly() {
    return new ShadowKernel(null, ShadowSwitch.off());
  }

  /**
   * A decision and its shadow.
   *
   * @param decision what the rules decided: the decision that applies
   * @param shadow what v1 would have done, or null
   * @param skipped why there is no shadow, or null when there is one
   */
  public record Shadowed(Decision decision, EventPayload.Decided.Shadow shadow, String skipped) {
    public Shadowed {
      Objects.requireNonNull(decision, "decision");
      if ((shadow == null) == (skipped == null)) {
        throw new IllegalArgumentException("exactly one of shadow and skipped is set");
      }
    }
  }

  /** The learned policy's version, or null when none is loaded. */
  public String model() {
    return learned == null ? null : learned.version();
  }

  /** Decides {@code in} under {@code policy} with the rules, and scores the decision with v1. */
  public Shadowed decide(DecisionInput in, TenantPolicy policy) {
    Decision decision = PolicyKernel.decide(in, policy);
    if (learned == null) return new Shadowed(decision, null, "no learned policy is loaded");
    if (!killSwitch.enabled()) {
      return new Shadowed(decision, null, "the learned policy is switched off");
    }
    long start = System.nanoTime();
    try {
      LearnedPolicy.Suggestion suggestion = learned.suggest(in, policy, decision);
      if (!suggestion.scored()) {
        return new Shadowed(decision, null, "not scored: the decision does not proceed");
      }
      long micros = (System.nanoTime() - start) / 1_000;
      return new Shadowed(decision, suggestion.toShadow(learned.version(), micros), null);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "the learned policy failed to score a decision", e);
      return new Shadowed(decision, null, "scoring failed: " + e.getMessage());
    }
  }
}
