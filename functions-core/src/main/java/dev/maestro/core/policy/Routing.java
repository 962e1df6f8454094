package dev.maestro.core.policy;

import dev.maestro.core.event.Runtime;
import java.util.Set;

/**
 * Layer B: which tier and which runtime. The tier starts from the step kind, rises for a large
 * context or a deep step, is capped at the tenant's maximum, drops one tier past the soft cap, and
 * fails over to the nearest healthy tier (cheaper first). The runtime is Maestro's own unless the
 * recipe prefers a vendor runtime and the delegation rule holds: (a) the tenant's deployment there
 * serves the tier, (b) the expected wall-clock time fits the vendor's session ceiling less the
 * tenant's safety margin and no idle gap outlasts the vendor's idle timeout, (c) the sub-task does
 * not fork, merge or sleep on a multi-day signal, (d) the tenant allows external runtimes for the
 * goal's policy class. Every failing clause is cited.
 */
final class Routing {

  /** AgentCore Runtime's session ceiling: 8 hours. */
  static final long AGENTCORE_SESSION_SECONDS = 8 * 3600;

  /** AgentCore Runtime ends a session idle for 15 minutes. */
  static final long AGENTCORE_IDLE_SECONDS = 15 * 60;

  /**
   * Maestro's own bound on a Foundry Agent Service run, the same as AgentCore's: delegated work is
   * kept short and busy wherever it runs, so a crash costs at most one bounded session.
   */
  static final long FOUNDRY_SESSION_SECONDS = 8 * 3600;

  /**
   * Maestro's own idle bound on a Foundry Agent Service run; see {@link #FOUNDRY_SESSION_SECONDS}.
   */
  static final long FOUNDRY_IDLE_SECONDS = 15 * 60;

  private Routing() {}

  /** Chooses the tier; returns false (and defers) when no tier the tenant allows is healthy. */
  static boolean tier(Draft d) {
    DecisionInput in = d.in;
    TenantPolicy p = d.policy;
    Tier tier = p.stepTier(in.stepKind());
    d.rule(Rules.ROUTE_STEP_TIER)
        .append("A ")
        .append(in.stepKind().wire())
        .append(" step starts at ")
        .append(tier.wire())
        .append('.');
    if (in.contextTokens() >= p.largeContextTokens() && Tier.SONNET.above(tier)) {
      tier = Tier.SONNET;
      d.rule(Rules.ROUTE_LARGE_CONTEXT)
          .append("Its context of ")
          .append(in.contextTokens())
          .append(" tokens needs at least sonnet.");
    }
    Tier deep = in.requiredDepth() >= 3 ? Tier.OPUS : in.requiredDepth() == 2 ? Tier.SONNET : null;
    if (deep != null && deep.above(tier)) {
      tier = deep;
      d.rule(Rules.ROUTE_DEPTH)
          .append("Depth ")
          .append(in.requiredDepth())
          .append(" needs ")
          .append(deep.wire())
          .append('.');
    }
    if (tier.above(p.maxTier())) {
      tier = p.maxTier();
      d.rule(Rules.ROUTE_MAX_TIER)
          .append("The tenant allows at most ")
          .append(tier.wire())
          .append('.');
    }
    if (d.pastSoftCap) {
      Tier lower = tier.lower();
      d.rule(Rules.ROUTE_SOFT_CAP_DOWNSHIFT)
          .append("Spend ")
          .append(Draft.usd(in.budget().spent().usd()))
          .append(" of ")
          .append(Draft.usd(in.budget().limits().maxUsd()))
          .append(" passed the soft cap: ")
          .append(lower == tier ? "already at the cheapest tier, " : "downshifted to ")
          .append(lower.wire())
          .append('.');
      tier = lower;
    }
    Set<Tier> unhealthy = in.unhealthyTiers();
    if (unhealthy.contains(tier)) {
      Tier healthy = nearestHealthy(tier, p.maxTier(), unhealthy);
      if (healthy == null) {
        d.rule(Rules.ROUTE_NO_HEALTHY_TIER)
            .append("No provider is healthy for any tier up to ")
            .append(p.maxTier().wire())
            .append(": deferred by ")
            .append(p.deferSeconds())
            .append(" s.");
        d.halt(Action.DEFER);
        return false;
      }
      d.rule(Rules.ROUTE_FAILOVER)
          .append("Providers for ")
          .append(tier.wire())
          .append(" are failing: failed over to ")
          .append(healthy.wire())
          .append('.');
      tier = healthy;
    }
    d.tier = tier;
    return true;
  }

  /** The healthy tier closest to {@code wanted} (cheaper first), never above {@code max}. */
  static Tier nearestHealthy(Tier wanted, Tier max, Set<Tier> unhealthy) {
    for (int distance = 1; distance < 3; distance++) {
      int down = wanted.ordinal() - distance;
      if (down >= 0 && !unhealthy.contains(Tier.ofOrdinal(down))) return Tier.ofOrdinal(down);
      int up = wanted.ordinal() + distance;
      if (up <= max.ordinal() && !unhealthy.contains(Tier.ofOrdinal(up))) return Tier.ofOrdinal(up);
    }
    return null;
  }

  /** Chooses the runtime for the final tier and branch: the delegation eligibility rule. */
  static void runtime(Draft d) {
    DecisionInput in = d.in;
    TenantPolicy p = d.policy;
    Runtime wanted = in.preferredRuntime();
    if (wanted == Runtime.MAESTRO) {
      d.runtime = Runtime.MAESTRO;
      d.rule(Rules.RUNTIME_MAESTRO, "Runs on Maestro's own workers.");
      return;
    }
    String vendor = wanted == Runtime.AGENTCORE ? "AgentCore" : "Foundry Agent Service";
    boolean eligible = true;
    // (d) the tenant's policy class allows external runtimes at all
    if (!p.externalAllowedFor(in.policyClass()) || !p.runtimeEnabled(wanted)) {
      eligible = false;
      d.rule(Rules.RUNTIME_POLICY_CLASS)
          .append("Not delegated to ")
          .append(vendor)
          .append(": ")
          .append(
              p.runtimeEnabled(wanted)
                  ? "the tenant does not allow external runtimes for policy class "
                  : "the tenant has not enabled it (policy class ")
          .append(in.policyClass())
          .append(p.runtimeEnabled(wanted) ? "." : ").");
    }
    // (a) the vendor serves the tier
    if (p.runtimeEnabled(wanted) && !p.serves(wanted, d.tier)) {
      eligible = false;
      d.rule(Rules.RUNTIME_TIER_NOT_SERVED)
          .append("Not delegated to ")
          .append(vendor)
          .append(": the tenant's deployment there does not serve ")
          .append(d.tier.wire())
          .append('.');
    }
    // (b) expected wall-clock < session ceiling - safety margin; no idle gap past the timeout
    long ceiling =
        wanted == Runtime.AGENTCORE ? AGENTCORE_SESSION_SECONDS : FOUNDRY_SESSION_SECONDS;
    long idle = wanted == Runtime.AGENTCORE ? AGENTCORE_IDLE_SECONDS : FOUNDRY_IDLE_SECONDS;
    long budget = ceiling - p.safetyMarginSeconds();
    if (in.expectedWallClockSeconds() >= budget || in.expectedIdleSeconds() >= idle) {
      eligible = false;
      var s =
          d.rule(Rules.RUNTIME_SESSION_CEILING)
              .append("Not delegated to ")
              .append(vendor)
              .append(": ");
      if (in.expectedWallClockSeconds() >= budget) {
        s.append("the expected ")
            .append(in.expectedWallClockSeconds())
            .append(" s does not fit its ")
            .append(ceiling)
            .append(" s session ceiling less a ")
            .append(p.safetyMarginSeconds())
            .append(" s margin.");
      } else {
        s.append("an idle gap of ")
            .append(in.expectedIdleSeconds())
            .append(" s would outlast its ")
            .append(idle)
            .append(" s idle timeout.");
      }
    }
    // (c) no fork, merge or multi-day sleep inside the delegated sub-task
    boolean forkOrMerge =
        in.subtaskForksOrMerges() || d.branch == Branch.FORK || d.branch == Branch.MERGE;
    if (forkOrMerge || in.subtaskSleepsMultiDay()) {
      eligible = false;
      d.rule(Rules.RUNTIME_SHAPE)
          .append("Not delegated to ")
          .append(vendor)
          .append(": the sub-task ")
          .append(forkOrMerge ? "forks or merges" : "sleeps on a multi-day signal")
          .append(", which only Maestro's runtime can hold.");
    }
    if (eligible) {
      d.runtime = wanted;
      d.rule(Rules.RUNTIME_DELEGATED)
          .append("Delegated to ")
          .append(vendor)
          .append(": it serves ")
          .append(d.tier.wire())
          .append(", the sub-task fits one session, and the tenant allows it.");
    } else {
      d.runtime = Runtime.MAESTRO;
    }
  }
}
