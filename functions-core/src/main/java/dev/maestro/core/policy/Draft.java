package dev.maestro.core.policy;

import dev.maestro.core.event.Runtime;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The decision while the layers build it: each layer reads the input and the policy, sets what it
 * owns, and cites its rules with a sentence each. Never escapes {@link PolicyKernel#decide}.
 */
final class Draft {

  final DecisionInput in;
  final TenantPolicy policy;
  final boolean pastSoftCap;

  Action action = Action.PROCEED;
  Instant deferUntil;
  Tier tier;
  Runtime runtime;
  Branch branch;
  int forkCount;
  List<String> allowedTools = List.of();
  List<String> deniedTools = List.of();
  boolean approvalRequired;
  boolean tierEscalated;

  private final ArrayList<String> ruleIds = new ArrayList<>(8);
  private final StringBuilder rationale = new StringBuilder(256);

  Draft(DecisionInput in, TenantPolicy policy) {
    this.in = in;
    this.policy = policy;
    this.pastSoftCap = pastSoftCap(in, policy);
  }

  /** Cites {@code ruleId} and starts its sentence, which the caller may extend before the next. */
  StringBuilder rule(String ruleId) {
    ruleIds.add(ruleId);
    if (!rationale.isEmpty()) rationale.append(' ');
    return rationale;
  }

  /** Cites {@code ruleId} with a complete sentence. */
  void rule(String ruleId, String sentence) {
    rule(ruleId).append(sentence);
  }

  /** Ends the cascade without running the step. */
  void halt(Action halted) {
    action = halted;
    tier = null;
    runtime = null;
    branch = null;
    forkCount = 0;
    if (halted == Action.DEFER) deferUntil = in.now().plusSeconds(policy.deferSeconds());
  }

  Decision build() {
    return new Decision(
        action,
        deferUntil,
        tier,
        runtime,
        branch,
        forkCount,
        allowedTools,
        deniedTools,
        approvalRequired,
        tierEscalated,
        policy.revision(),
        ruleIds,
        rationale.toString());
  }

  /**
   * Spend has reached the soft cap: the budget's own {@code softUsd}, or the tenant's share of the
   * hard cap, whichever comes first. Nothing spent is never past a cap (a zero budget allows free
   * work such as the local provider's).
   */
  private static boolean pastSoftCap(DecisionInput in, TenantPolicy policy) {
    BigDecimal spent = in.budget().spent().usd();
    if (spent.signum() <= 0) return false;
    if (spent.compareTo(in.budget().limits().softUsd()) >= 0) return true;
    return spent.doubleValue()
        >= policy.softCapFraction() * in.budget().limits().maxUsd().doubleValue();
  }

  static String usd(BigDecimal amount) {
    return "$" + amount.toPlainString();
  }
}
