package dev.maestro.core.policy;

import dev.maestro.core.budget.Budget;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.budget.Spend;
import dev.maestro.core.continuation.TenantId;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** Inputs and policies for the kernel tests. */
final class Inputs {

  static final TenantId TENANT = TenantId.of("acme");
  static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  private Inputs() {}

  /** A $2.00 budget (soft cap $1.60) with {@code spentUsd} spent. */
  static Budget spent(String spentUsd) {
    return new Budget(
        new BudgetLimits(new BigDecimal("2.00"), new BigDecimal("1.60"), 0),
        new Spend(new BigDecimal(spentUsd), 1000, 200, 3));
  }

  /** A running continuation, $0.20 of $2.00 spent, planning its next step. */
  static DecisionInput.Builder ordinary() {
    return DecisionInput.builder(TENANT, NOW, spent("0.20"));
  }

  static TenantPolicy defaults() {
    return TenantPolicy.defaults(TENANT);
  }

  /** The default policy with AgentCore (haiku, sonnet) and Foundry (sonnet) for "standard". */
  static TenantPolicy delegating() {
    return TenantPolicy.of(delegatingDocument());
  }

  static PolicyDocument delegatingDocument() {
    PolicyDocument base = PolicyDocument.defaults(TENANT);
    return new PolicyDocument(
        1,
        TENANT,
        5,
        true,
        base.tiers(),
        base.softCapFraction(),
        base.allowedTools(),
        base.costlyTools(),
        base.maxForks(),
        base.approval(),
        new PolicyDocument.ExternalRuntimes(
            List.of("standard"), 1800, List.of(Tier.HAIKU, Tier.SONNET), List.of(Tier.SONNET)),
        base.deferSeconds());
  }

  /** The default policy with at most {@code max} (and no step tier above it). */
  static TenantPolicy maxTier(Tier max) {
    PolicyDocument base = PolicyDocument.defaults(TENANT);
    PolicyDocument.Tiers t = base.tiers();
    Tier s = Tier.SONNET.above(max) ? max : Tier.SONNET;
    return TenantPolicy.of(
        new PolicyDocument(
            1,
            TENANT,
            1,
            true,
            new PolicyDocument.Tiers(
                max, t.largeContextTokens(), Tier.HAIKU, Tier.HAIKU, Tier.HAIKU, s, s, s),
            base.softCapFraction(),
            base.allowedTools(),
            base.costlyTools(),
            base.maxForks(),
            base.approval(),
            base.externalRuntimes(),
            base.deferSeconds()));
  }
}
