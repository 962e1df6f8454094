package dev.maestro.core.policy;

import java.util.Set;

/**
 * The closed set of rule ids a {@link Decision} may cite, one per rule of the five layers. Ids are
 * stable: they are recorded on {@code decision} events and counted by evaluation, so a rule that
 * changes meaning gets a new id rather than a new behaviour under the old one.
 */
public final class Rules {

  // A. gates
  public static final String GATE_KILL_SWITCH = "gate.kill_switch";
  public static final String GATE_COMPLIANCE_FREEZE = "gate.compliance_freeze";
  public static final String GATE_TENANT_DISABLED = "gate.tenant_disabled";
  public static final String GATE_FINISHED = "gate.finished";
  public static final String GATE_HARD_CAP = "gate.hard_cap";
  public static final String GATE_RATE_LIMITED = "gate.rate_limited";
  public static final String GATE_OPEN = "gate.open";

  // B. routing: tier
  public static final String ROUTE_STEP_TIER = "route.step_tier";
  public static final String ROUTE_LARGE_CONTEXT = "route.large_context";
  public static final String ROUTE_DEPTH = "route.depth";
  public static final String ROUTE_MAX_TIER = "route.max_tier";
  public static final String ROUTE_SOFT_CAP_DOWNSHIFT = "route.soft_cap_downshift";
  public static final String ROUTE_FAILOVER = "route.failover";
  public static final String ROUTE_NO_HEALTHY_TIER = "route.no_healthy_tier";

  // B. routing: runtime (the delegation eligibility rule)
  public static final String RUNTIME_MAESTRO = "runtime.maestro";
  public static final String RUNTIME_DELEGATED = "runtime.delegated";
  public static final String RUNTIME_TIER_NOT_SERVED = "runtime.tier_not_served";
  public static final String RUNTIME_SESSION_CEILING = "runtime.session_ceiling";
  public static final String RUNTIME_SHAPE = "runtime.shape";
  public static final String RUNTIME_POLICY_CLASS = "runtime.policy_class";

  // C. branching
  public static final String BRANCH_AS_REQUESTED = "branch.as_requested";
  public static final String BRANCH_DEADLINE_PASSED = "branch.deadline_passed";
  public static final String BRANCH_FORK_DENIED_SOFT_CAP = "branch.fork_denied_soft_cap";
  public static final String BRANCH_FORK_CLAMPED = "branch.fork_clamped";
  public static final String BRANCH_AWAIT_APPROVAL = "branch.await_approval";

  // D. tools
  public static final String TOOLS_NONE_REQUESTED = "tools.none_requested";
  public static final String TOOLS_ALLOWED = "tools.allowed";
  public static final String TOOLS_NOT_ALLOWED = "tools.not_allowed";
  public static final String TOOLS_COSTLY_PAST_SOFT_CAP = "tools.costly_past_soft_cap";

  // E. escalation
  public static final String ESCALATE_NONE = "escalate.none";
  public static final String ESCALATE_APPROVAL_RISK = "escalate.approval_risk";
  public static final String ESCALATE_APPROVAL_SPEND = "escalate.approval_spend";
  public static final String ESCALATE_QUALITY_TIER = "escalate.quality_tier";
  public static final String ESCALATE_QUALITY_APPROVAL = "escalate.quality_approval";

  /** Every rule id. */
  public static final Set<String> ALL =
      Set.of(
          GATE_KILL_SWITCH,
          GATE_COMPLIANCE_FREEZE,
          GATE_TENANT_DISABLED,
          GATE_FINISHED,
          GATE_HARD_CAP,
          GATE_RATE_LIMITED,
          GATE_OPEN,
          ROUTE_STEP_TIER,
          ROUTE_LARGE_CONTEXT,
          ROUTE_DEPTH,
          ROUTE_MAX_TIER,
          ROUTE_SOFT_CAP_DOWNSHIFT,
          ROUTE_FAILOVER,
          ROUTE_NO_HEALTHY_TIER,
          RUNTIME_MAESTRO,
          RUNTIME_DELEGATED,
          RUNTIME_TIER_NOT_SERVED,
          RUNTIME_SESSION_CEILING,
          RUNTIME_SHAPE,
          RUNTIME_POLICY_CLASS,
          BRANCH_AS_REQUESTED,
          BRANCH_DEADLINE_PASSED,
          BRANCH_FORK_DENIED_SOFT_CAP,
          BRANCH_FORK_CLAMPED,
          BRANCH_AWAIT_APPROVAL,
          TOOLS_NONE_REQUESTED,
          TOOLS_ALLOWED,
          TOOLS_NOT_ALLOWED,
          TOOLS_COSTLY_PAST_SOFT_CAP,
          ESCALATE_NONE,
          ESCALATE_APPROVAL_RISK,
          ESCALATE_APPROVAL_SPEND,
          ESCALATE_QUALITY_TIER,
          ESCALATE_QUALITY_APPROVAL);

  private Rules() {}
}
