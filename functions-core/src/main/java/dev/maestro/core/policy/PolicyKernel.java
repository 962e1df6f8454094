package dev.maestro.core.policy;

import java.util.Objects;

/**
 * The policy kernel v0 (BRIEF §8): a deterministic cascade of five layers, {@link Gates}, {@link
 * Routing}, {@link Branching}, {@link Tools} and {@link Escalation}, each adding rule ids and a
 * sentence to one {@link Decision}. A pure function: no clock, no I/O, no model; the same input and
 * policy always give the same decision, which is what makes recorded decisions replayable under
 * another policy. Thread-safe and cheap (microseconds; {@code maestro bench kernel}).
 *
 * <p>Order: the gates first (a closed gate ends the cascade), then the tier, the branch, the tools
 * and escalation (which may raise the tier or hold the branch for approval), and the runtime last,
 * because delegation depends on the final tier and branch.
 *
 * <p>The kernel records nothing itself: the tick that asks for a decision appends it to the
 * continuation's log as a {@code decision} event ({@link DecisionEvents#of}), because only the
 * lease holder writes to a log (ADR-0006).
 */
public final class PolicyKernel {

  private PolicyKernel() {}

  /**
   * Decides the next step for {@code input} under {@code policy}.
   *
   * @throws IllegalArgumentException if the policy belongs to another tenant
   */
  public static Decision decide(DecisionInput input, TenantPolicy policy) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(policy, "policy");
    if (!policy.tenant().equals(input.tenant())) {
      throw new IllegalArgumentException(
          "policy of tenant " + policy.tenant() + " applied to tenant " + input.tenant());
    }
    var draft = new Draft(input, policy);
    if (Gates.apply(draft) && Routing.tier(draft)) {
      Branching.apply(draft);
      Tools.apply(draft);
      Escalation.apply(draft);
      Routing.runtime(draft);
    }
    return draft.build();
  }
}
