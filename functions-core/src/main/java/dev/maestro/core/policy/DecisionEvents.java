package dev.maestro.core.policy;

import dev.maestro.core.event.EventPayload;

/**
 * Turns a {@link Decision} into the {@code decision} event the tick appends to the continuation's
 * log (BRIEF §8: every decision is recorded). The kernel and {@code POST /decide} record nothing
 * themselves; only the lease holder appends (ADR-0006). The event keeps what replay and evaluation
 * need (rule ids, action, tier, runtime, branch, rationale, policy revision) and leaves out the
 * tool lists, which the step's own {@code tool_call} events record.
 */
public final class DecisionEvents {

  private DecisionEvents() {}

  /** The {@code decision} event payload for {@code decision}. */
  public static EventPayload.Decided of(Decision decision) {
    return new EventPayload.Decided(
        decision.action().wire(),
        decision.tier() == null ? null : decision.tier().wire(),
        decision.runtime(),
        decision.branch() == null ? null : decision.branch().wire(),
        decision.approvalRequired(),
        decision.policyRevision(),
        decision.ruleIds(),
        decision.rationale());
  }
}
