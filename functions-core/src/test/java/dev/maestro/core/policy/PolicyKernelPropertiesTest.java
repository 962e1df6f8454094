package dev.maestro.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.core.budget.Budget;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.budget.Spend;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.event.Runtime;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Invariants of the kernel over arbitrary inputs and policies. */
class PolicyKernelPropertiesTest {

  private static final List<String> TOOLS =
      List.of("fetch", "web.search", "pubmed.search", "shell.exec", "field.recall");

  @Provide
  Arbitrary<TenantPolicy> policies() {
    return Arbitraries.of(Tier.class)
        .flatMap(
            max -> Arbitraries.of(Inputs.defaults(), Inputs.delegating(), Inputs.maxTier(max)));
  }

  /** A varied input built from a seed: every gate, cap, health, intent and delegation shape. */
  static DecisionInput input(long seed, int spentPercent) {
    var r = new SplittableRandom(seed);
    BigDecimal max = BigDecimal.valueOf(1 + r.nextInt(1000), 2);
    BigDecimal spent =
        max.multiply(BigDecimal.valueOf(spentPercent, 2)).setScale(6, RoundingMode.DOWN);
    var budget =
        new Budget(
            BudgetLimits.ofUsd(max, r.nextInt(3) == 0 ? 100_000 : 0),
            new Spend(spent, r.nextInt(80_000), r.nextInt(30_000), r.nextInt(10)));
    var unhealthy = EnumSet.noneOf(Tier.class);
    for (Tier t : Tier.values()) if (r.nextInt(5) == 0) unhealthy.add(t);
    var tools = new ArrayList<String>();
    for (String t : TOOLS) if (r.nextBoolean()) tools.add(t);
    Branch intent = Branch.values()[r.nextInt(Branch.values().length)];
    var b =
        DecisionInput.builder(Inputs.TENANT, Inputs.NOW, budget)
            .status(Status.values()[r.nextInt(Status.values().length)])
            .estimatedStepUsd(BigDecimal.valueOf(r.nextInt(300), 2))
            .stepKind(StepKind.values()[r.nextInt(StepKind.values().length)])
            .contextTokens(r.nextInt(300_000))
            .requiredDepth(r.nextInt(4))
            .unhealthyTiers(unhealthy)
            .intent(intent)
            .toolsRequested(tools)
            .riskScore(r.nextInt(101) / 100.0)
            .qualityCheck(QualityCheck.values()[r.nextInt(3)])
            .preferredRuntime(Runtime.values()[r.nextInt(3)])
            .policyClass(r.nextBoolean() ? "standard" : "restricted")
            .expectedWallClockSeconds(r.nextInt(10 * 3600))
            .expectedIdleSeconds(r.nextInt(2000))
            .subtaskForksOrMerges(r.nextInt(4) == 0)
            .subtaskSleepsMultiDay(r.nextInt(4) == 0)
            .deadline(r.nextBoolean() ? null : Inputs.NOW.plusSeconds(r.nextInt(200) - 100))
            .killSwitch(r.nextInt(10) == 0)
            .complianceFreeze(r.nextInt(10) == 0)
            .tenantDisabled(r.nextInt(10) == 0)
            .rateLimited(r.nextInt(10) == 0);
    if (intent == Branch.FORK) b.fork(1 + r.nextInt(12));
    return b.build();
  }

  @Property
  void everyDecisionHasARationaleAndCitesOnlyKnownRules(
      @ForAll long seed,
      @ForAll @IntRange(max = 120) int spentPercent,
      @ForAll("policies") TenantPolicy policy) {
    Decision d = PolicyKernel.decide(input(seed, spentPercent), policy);

    assertThat(d.rationale()).isNotBlank();
    assertThat(d.ruleIds()).isNotEmpty();
    assertThat(Rules.ALL).containsAll(d.ruleIds());
  }

  @Property
  void noDecisionRoutesAboveTheTenantsMaxTier(
      @ForAll long seed, @ForAll @IntRange(max = 120) int spentPercent, @ForAll Tier max) {
    Decision d = PolicyKernel.decide(input(seed, spentPercent), Inputs.maxTier(max));

    if (d.tier() != null)
      assertThat(d.tier().above(max)).as("%s above %s", d.tier(), max).isFalse();
  }

  @Property
  void theHardCapAlwaysEndsTheRunUnlessAStopDominates(
      @ForAll long seed,
      @ForAll @IntRange(min = 100, max = 300) int spentPercent,
      @ForAll("policies") TenantPolicy policy) {
    Decision d = PolicyKernel.decide(input(seed, spentPercent), policy);

    assertThat(d.action()).isIn(Action.TERMINATE, Action.STOP);
    assertThat(d.tier()).isNull();
  }

  @Property
  void theKillSwitchAlwaysStops(
      @ForAll long seed,
      @ForAll @IntRange(max = 300) int spentPercent,
      @ForAll("policies") TenantPolicy policy) {
    DecisionInput in = input(seed, spentPercent).toBuilder().killSwitch(true).build();

    Decision d = PolicyKernel.decide(in, policy);

    assertThat(d.action()).isEqualTo(Action.STOP);
    assertThat(d.ruleIds()).containsExactly(Rules.GATE_KILL_SWITCH);
  }

  @Property
  void theSameInputAlwaysGivesTheSameDecision(
      @ForAll long seed,
      @ForAll @IntRange(max = 120) int spentPercent,
      @ForAll("policies") TenantPolicy policy) {
    DecisionInput in = input(seed, spentPercent);

    assertThat(PolicyKernel.decide(in, policy)).isEqualTo(PolicyKernel.decide(in, policy));
  }

  @Property
  void aDelegatedStepSatisfiesEveryClause(
      @ForAll long seed, @ForAll @IntRange(max = 99) int spentPercent) {
    DecisionInput in = input(seed, spentPercent);
    TenantPolicy policy = Inputs.delegating();

    Decision d = PolicyKernel.decide(in, policy);

    if (d.runtime() != null && d.runtime() != Runtime.MAESTRO) {
      assertThat(policy.serves(d.runtime(), d.tier())).isTrue();
      assertThat(in.expectedWallClockSeconds()).isLessThan(8 * 3600 - 1800);
      assertThat(in.expectedIdleSeconds()).isLessThan(15 * 60);
      assertThat(d.branch()).isNotIn(Branch.FORK, Branch.MERGE);
      assertThat(in.subtaskForksOrMerges() || in.subtaskSleepsMultiDay()).isFalse();
      assertThat(in.policyClass()).isEqualTo("standard");
    }
  }

  @Property
  void allowedToolsAreRequestedAndInThePolicy(
      @ForAll long seed,
      @ForAll @IntRange(max = 99) int spentPercent,
      @ForAll("policies") TenantPolicy policy) {
    DecisionInput in = input(seed, spentPercent);

    Decision d = PolicyKernel.decide(in, policy);

    assertThat(in.toolsRequested()).containsAll(d.allowedTools());
    assertThat(policy.document().allowedTools()).containsAll(d.allowedTools());
  }
}
