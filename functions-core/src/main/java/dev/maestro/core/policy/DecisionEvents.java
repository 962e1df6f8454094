package dev.maestro.core.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.event.EventPayload;

/**
 * Turns a {@link Decision} into the {@code decision} event the tick appends to the continuation's
 * log (BRIEF §8: every decision is recorded). The kernel and {@code POST /decide} record nothing
 * themselves; only the lease holder appends (ADR-0006). The event keeps what replay and evaluation
 * need (rule ids, action, tier, runtime, branch, rationale, policy revision, and the input and
 * shadow score when given) and leaves out the tool lists, which the step's own {@code tool_call}
 * events record.
 */
public final class DecisionEvents {

  private DecisionEvents() {}

  /** The {@code decision} event payload for {@code decision}, without its input or a shadow. */
  public static EventPayload.Decided of(Decision decision) {
    return of(decision, null, null);
  }

  /**
   * The {@code decision} event payload for {@code decision}, made for {@code input} (in the {@code
   * POST /decide} request format, or null) and scored by the learned policy as {@code shadow} (or
   * null).
   */
  public static EventPayload.Decided of(
      Decision decision, JsonNode input, EventPayload.Decided.Shadow shadow) {
    return new EventPayload.Decided(
        decision.action().wire(),
        decision.tier() == null ? null : decision.tier().wire(),
        decision.runtime(),
        decision.branch() == null ? null : decision.branch().wire(),
        decision.branch() == Branch.FORK ? decision.forkCount() : null,
        decision.approvalRequired(),
        decision.policyRevision(),
        decision.ruleIds(),
        decision.rationale(),
        input,
        shadow);
  }
}
