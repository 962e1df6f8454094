package dev.maestro.core.policy;

import dev.maestro.core.budget.Budget;
import java.math.BigDecimal;

/**
 * Layer A: whether anything may run at all. Checked in order of dominance, the first that closes
 * ends the cascade: kill switch, compliance freeze, disabled tenant and a finished continuation
 * stop; a hard budget cap terminates (publish what exists); admission control defers.
 */
final class Gates {

  private Gates() {}

  /** Returns whether the gates are open (the cascade goes on). */
  static boolean apply(Draft d) {
    DecisionInput in = d.in;
    if (in.killSwitch()) {
      d.rule(Rules.GATE_KILL_SWITCH, "The kill switch is on: nothing runs.");
      d.halt(Action.STOP);
      return false;
    }
    if (in.complianceFreeze()) {
      d.rule(
          Rules.GATE_COMPLIANCE_FREEZE,
          "A compliance freeze holds this tenant: nothing runs and nothing is written.");
      d.halt(Action.STOP);
      return false;
    }
    if (in.tenantDisabled() || !d.policy.enabled()) {
      d.rule(
          Rules.GATE_TENANT_DISABLED,
          in.tenantDisabled()
              ? "The tenant is disabled: nothing runs."
              : "The tenant's policy disables it: nothing runs.");
      d.halt(Action.STOP);
      return false;
    }
    if (in.status().isTerminal()) {
      d.rule(Rules.GATE_FINISHED)
          .append("The continuation is ")
          .append(in.status().name().toLowerCase(java.util.Locale.ROOT))
          .append(": nothing more runs.");
      d.halt(Action.STOP);
      return false;
    }
    Budget budget = in.budget();
    BigDecimal spent = budget.spent().usd();
    if (spent.signum() > 0 && spent.compareTo(budget.limits().maxUsd()) >= 0) {
      d.rule(Rules.GATE_HARD_CAP)
          .append("Spend ")
          .append(Draft.usd(spent))
          .append(" reached the hard cap of ")
          .append(Draft.usd(budget.limits().maxUsd()))
          .append(": publish what exists and terminate.");
      d.halt(Action.TERMINATE);
      return false;
    }
    long maxTokens = budget.limits().maxTokens();
    long tokens = budget.spent().tokensIn() + budget.spent().tokensOut();
    if (maxTokens > 0 && tokens >= maxTokens) {
      d.rule(Rules.GATE_HARD_CAP)
          .append("Tokens used (")
          .append(tokens)
          .append(") reached the cap of ")
          .append(maxTokens)
          .append(": publish what exists and terminate.");
      d.halt(Action.TERMINATE);
      return false;
    }
    if (in.rateLimited()) {
      d.rule(Rules.GATE_RATE_LIMITED)
          .append("Tick admission is saturated for this tenant: deferred by ")
          .append(d.policy.deferSeconds())
          .append(" s.");
      d.halt(Action.DEFER);
      return false;
    }
    d.rule(Rules.GATE_OPEN, "All gates are open.");
    return true;
  }
}
