package dev.maestro.core.policy;

import static dev.maestro.core.policy.Inputs.NOW;
import static dev.maestro.core.policy.Inputs.ordinary;
import static dev.maestro.core.policy.Inputs.spent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.core.continuation.Status;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.Runtime;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The five layers' rules, case by case: the rule cited, the outcome, and the rationale. */
class PolicyKernelTest {

  private static Decision decide(DecisionInput.Builder in) {
    return PolicyKernel.decide(in.build(), Inputs.defaults());
  }

  private static Decision delegate(DecisionInput.Builder in) {
    return PolicyKernel.decide(in.build(), Inputs.delegating());
  }

  private static Arguments when(
      String name, UnaryOperator<DecisionInput.Builder> change, String rule, String says) {
    return Arguments.of(name, change, rule, says);
  }

  /** One case per rule: the change to an ordinary input, the rule it cites, a phrase it says. */
  static Stream<Arguments> rules() {
    return Stream.of(
        when("kill switch", b -> b.killSwitch(true), Rules.GATE_KILL_SWITCH, "kill switch"),
        when(
            "compliance freeze",
            b -> b.complianceFreeze(true),
            Rules.GATE_COMPLIANCE_FREEZE,
            "compliance freeze"),
        when(
            "disabled tenant", b -> b.tenantDisabled(true), Rules.GATE_TENANT_DISABLED, "disabled"),
        when("finished", b -> b.status(Status.COMPLETED), Rules.GATE_FINISHED, "completed"),
        when("hard cap", b -> b.budget(spent("2.00")), Rules.GATE_HARD_CAP, "hard cap"),
        when("rate limited", b -> b.rateLimited(true), Rules.GATE_RATE_LIMITED, "deferred"),
        when("open", b -> b, Rules.GATE_OPEN, "gates are open"),
        when("step tier", b -> b.stepKind(StepKind.TRIAGE), Rules.ROUTE_STEP_TIER, "triage step"),
        when(
            "large context",
            b -> b.stepKind(StepKind.EXTRACT).contextTokens(150_000),
            Rules.ROUTE_LARGE_CONTEXT,
            "150000 tokens"),
        when("depth", b -> b.requiredDepth(3), Rules.ROUTE_DEPTH, "needs opus"),
        when(
            "soft cap",
            b -> b.budget(spent("1.70")),
            Rules.ROUTE_SOFT_CAP_DOWNSHIFT,
            "downshifted to haiku"),
        when(
            "failover",
            b -> b.unhealthyTiers(Set.of(Tier.SONNET)),
            Rules.ROUTE_FAILOVER,
            "failed over to haiku"),
        when(
            "no healthy tier",
            b -> b.unhealthyTiers(Set.of(Tier.HAIKU, Tier.SONNET, Tier.OPUS)),
            Rules.ROUTE_NO_HEALTHY_TIER,
            "No provider is healthy"),
        when("maestro", b -> b, Rules.RUNTIME_MAESTRO, "Maestro's own workers"),
        when("as requested", b -> b.intent(Branch.SLEEP), Rules.BRANCH_AS_REQUESTED, "sleep"),
        when(
            "deadline",
            b -> b.deadline(NOW.minusSeconds(1)),
            Rules.BRANCH_DEADLINE_PASSED,
            "complete with what exists"),
        when(
            "fork past soft cap",
            b -> b.budget(spent("1.70")).fork(3),
            Rules.BRANCH_FORK_DENIED_SOFT_CAP,
            "continue in one line"),
        when("fork clamped", b -> b.fork(9), Rules.BRANCH_FORK_CLAMPED, "clamped to"),
        when("no tools", b -> b, Rules.TOOLS_NONE_REQUESTED, "No tools"),
        when(
            "tools allowed", b -> b.toolsRequested(List.of("fetch")), Rules.TOOLS_ALLOWED, "fetch"),
        when(
            "tool not allowed",
            b -> b.toolsRequested(List.of("fetch", "shell.exec")),
            Rules.TOOLS_NOT_ALLOWED,
            "shell.exec"),
        when(
            "costly tool past soft cap",
            b -> b.budget(spent("1.70")).toolsRequested(List.of("web.search")),
            Rules.TOOLS_COSTLY_PAST_SOFT_CAP,
            "web.search"),
        when("no escalation", b -> b, Rules.ESCALATE_NONE, "No escalation"),
        when("risky", b -> b.riskScore(0.9), Rules.ESCALATE_APPROVAL_RISK, "Risk 0.9"),
        when(
            "expensive",
            b -> b.estimatedStepUsd(new BigDecimal("1.50")),
            Rules.ESCALATE_APPROVAL_SPEND,
            "$1.50"),
        when(
            "quality failed",
            b -> b.qualityCheck(QualityCheck.FAILED),
            Rules.ESCALATE_QUALITY_TIER,
            "escalated from sonnet to opus"),
        when(
            "quality failed at the top",
            b -> b.requiredDepth(3).qualityCheck(QualityCheck.FAILED),
            Rules.ESCALATE_QUALITY_APPROVAL,
            "highest tier"),
        when(
            "awaiting approval",
            b -> b.riskScore(1.0),
            Rules.BRANCH_AWAIT_APPROVAL,
            "approve signal"));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("rules")
  void givenACase_whenDecided_thenItCitesTheRuleAndSaysWhy(
      String name, UnaryOperator<DecisionInput.Builder> change, String rule, String says) {
    Decision d = decide(change.apply(ordinary()));

    assertThat(d.ruleIds()).contains(rule);
    assertThat(d.rationale()).contains(says);
    assertThat(Rules.ALL).containsAll(d.ruleIds());
  }

  @Test
  void givenAnOrdinaryStep_whenDecided_thenItProceedsOnSonnetOnMaestro() {
    Decision d = decide(ordinary());

    assertThat(d.action()).isEqualTo(Action.PROCEED);
    assertThat(d.tier()).isEqualTo(Tier.SONNET);
    assertThat(d.runtime()).isEqualTo(Runtime.MAESTRO);
    assertThat(d.branch()).isEqualTo(Branch.CONTINUE);
    assertThat(d.ruleIds())
        .containsExactly(
            Rules.GATE_OPEN,
            Rules.ROUTE_STEP_TIER,
            Rules.BRANCH_AS_REQUESTED,
            Rules.TOOLS_NONE_REQUESTED,
            Rules.ESCALATE_NONE,
            Rules.RUNTIME_MAESTRO);
  }

  @Test
  void givenSpendPastTheSoftCap_whenDecided_thenTheTierDownshiftsOneStep() {
    assertThat(decide(ordinary().budget(spent("1.60"))).tier()).isEqualTo(Tier.HAIKU);
    assertThat(decide(ordinary().budget(spent("1.59"))).tier()).isEqualTo(Tier.SONNET);
    assertThat(decide(ordinary().requiredDepth(3).budget(spent("1.65"))).tier())
        .isEqualTo(Tier.SONNET);
  }

  @Test
  void givenTheTenantsSoftCapFractionBelowTheBudgetsSoftUsd_whenPassed_thenItDownshifts() {
    // default fraction 0.8 of $2.00 = $1.60; a budget whose own softUsd is $1.90 still downshifts
    var budget =
        new dev.maestro.core.budget.Budget(
            new dev.maestro.core.budget.BudgetLimits(
                new BigDecimal("2.00"), new BigDecimal("1.90"), 0),
            new dev.maestro.core.budget.Spend(new BigDecimal("1.61"), 0, 0, 1));

    assertThat(decide(ordinary().budget(budget)).ruleIds())
        .contains(Rules.ROUTE_SOFT_CAP_DOWNSHIFT);
  }

  @Test
  void givenTheHardCap_whenDecided_thenItTerminatesAndRunsNothing() {
    Decision d = decide(ordinary().budget(spent("2.50")).toolsRequested(List.of("fetch")));

    assertThat(d.action()).isEqualTo(Action.TERMINATE);
    assertThat(d.tier()).isNull();
    assertThat(d.runtime()).isNull();
    assertThat(d.allowedTools()).isEmpty();
    assertThat(d.ruleIds()).containsExactly(Rules.GATE_HARD_CAP);
    assertThat(d.rationale()).contains("publish what exists and terminate");
  }

  @Test
  void givenTheTokenCap_whenReached_thenItTerminates() {
    var budget =
        new dev.maestro.core.budget.Budget(
            dev.maestro.core.budget.BudgetLimits.ofUsd(new BigDecimal("2"), 1000),
            new dev.maestro.core.budget.Spend(new BigDecimal("0.01"), 800, 200, 1));

    assertThat(decide(ordinary().budget(budget)).action()).isEqualTo(Action.TERMINATE);
  }

  @Test
  void givenAZeroBudgetAndNothingSpent_whenDecided_thenFreeWorkProceeds() {
    var budget =
        dev.maestro.core.budget.Budget.fresh(
            new dev.maestro.core.budget.BudgetLimits(BigDecimal.ZERO, BigDecimal.ZERO, 0));

    assertThat(decide(ordinary().budget(budget)).action()).isEqualTo(Action.PROCEED);
  }

  @Test
  void givenTheKillSwitchOrAFreeze_whenEverythingElseAlsoFails_thenTheyDominate() {
    UnaryOperator<DecisionInput.Builder> everything =
        b ->
            b.budget(spent("5.00"))
                .tenantDisabled(true)
                .rateLimited(true)
                .status(Status.KILLED)
                .unhealthyTiers(Set.of(Tier.HAIKU, Tier.SONNET, Tier.OPUS))
                .riskScore(1)
                .qualityCheck(QualityCheck.FAILED);

    Decision kill = decide(everything.apply(ordinary()).killSwitch(true).complianceFreeze(true));
    Decision freeze = decide(everything.apply(ordinary()).complianceFreeze(true));

    assertThat(kill.action()).isEqualTo(Action.STOP);
    assertThat(kill.ruleIds()).containsExactly(Rules.GATE_KILL_SWITCH);
    assertThat(freeze.action()).isEqualTo(Action.STOP);
    assertThat(freeze.ruleIds()).containsExactly(Rules.GATE_COMPLIANCE_FREEZE);
  }

  @Test
  void givenAPolicyThatDisablesTheTenant_whenDecided_thenItStops() {
    PolicyDocument base = PolicyDocument.defaults(Inputs.TENANT);
    var disabled =
        new PolicyDocument(
            1,
            Inputs.TENANT,
            2,
            false,
            base.tiers(),
            base.softCapFraction(),
            base.allowedTools(),
            base.costlyTools(),
            base.maxForks(),
            base.approval(),
            base.externalRuntimes(),
            base.deferSeconds());

    Decision d = PolicyKernel.decide(ordinary().build(), TenantPolicy.of(disabled));

    assertThat(d.action()).isEqualTo(Action.STOP);
    assertThat(d.ruleIds()).containsExactly(Rules.GATE_TENANT_DISABLED);
    assertThat(d.policyRevision()).isEqualTo(2);
  }

  @Test
  void givenADeferral_whenDecided_thenItIsDueAfterThePolicysDeferSeconds() {
    Decision d = decide(ordinary().rateLimited(true));

    assertThat(d.action()).isEqualTo(Action.DEFER);
    assertThat(d.deferUntil()).isEqualTo(NOW.plusSeconds(30));
  }

  @Test
  void givenAMaxTierOfHaiku_whenADeepStepAsks_thenItIsCapped() {
    Decision d =
        PolicyKernel.decide(
            ordinary().requiredDepth(3).qualityCheck(QualityCheck.FAILED).build(),
            Inputs.maxTier(Tier.HAIKU));

    assertThat(d.tier()).isEqualTo(Tier.HAIKU);
    assertThat(d.ruleIds()).contains(Rules.ROUTE_MAX_TIER, Rules.ESCALATE_QUALITY_APPROVAL);
    assertThat(d.approvalRequired()).isTrue();
    assertThat(d.branch()).isEqualTo(Branch.WAIT);
  }

  @Test
  void givenAFailingTierWithOnlyAHigherOneHealthy_whenFailingOver_thenItNeverPassesTheMax() {
    Decision d =
        PolicyKernel.decide(
            ordinary().unhealthyTiers(Set.of(Tier.HAIKU)).stepKind(StepKind.TRIAGE).build(),
            Inputs.maxTier(Tier.HAIKU));

    assertThat(d.action()).isEqualTo(Action.DEFER);
    assertThat(d.ruleIds()).contains(Rules.ROUTE_NO_HEALTHY_TIER);
  }

  // ---- delegation eligibility: each clause failing alone ----

  /** An input every clause of the delegation rule accepts: a short sonnet sub-task. */
  private static DecisionInput.Builder delegable() {
    return ordinary().preferredRuntime(Runtime.AGENTCORE).expectedWallClockSeconds(3600);
  }

  @Test
  void givenAnEligibleSubTask_whenDecided_thenItIsDelegated() {
    Decision d = delegate(delegable());

    assertThat(d.runtime()).isEqualTo(Runtime.AGENTCORE);
    assertThat(d.ruleIds()).contains(Rules.RUNTIME_DELEGATED);
    assertThat(d.rationale()).contains("Delegated to AgentCore");
  }

  static Stream<Arguments> clauses() {
    return Stream.of(
        when("(a) tier not served", b -> b.requiredDepth(3), Rules.RUNTIME_TIER_NOT_SERVED, "opus"),
        when(
            "(a) foundry serves no haiku",
            b -> b.preferredRuntime(Runtime.FOUNDRY).stepKind(StepKind.TRIAGE),
            Rules.RUNTIME_TIER_NOT_SERVED,
            "haiku"),
        when(
            "(b) wall clock past ceiling less margin",
            b -> b.expectedWallClockSeconds(8 * 3600 - 1800),
            Rules.RUNTIME_SESSION_CEILING,
            "28800 s session ceiling"),
        when(
            "(b) idle past the idle timeout",
            b -> b.expectedIdleSeconds(900),
            Rules.RUNTIME_SESSION_CEILING,
            "idle timeout"),
        when(
            "(c) sub-task forks",
            b -> b.subtaskForksOrMerges(true),
            Rules.RUNTIME_SHAPE,
            "forks or merges"),
        when("(c) the step forks", b -> b.fork(2), Rules.RUNTIME_SHAPE, "forks or merges"),
        when(
            "(c) multi-day sleep",
            b -> b.subtaskSleepsMultiDay(true),
            Rules.RUNTIME_SHAPE,
            "multi-day"),
        when(
            "(d) policy class",
            b -> b.policyClass("restricted"),
            Rules.RUNTIME_POLICY_CLASS,
            "restricted"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clauses")
  void givenOneClauseFailingAlone_whenDecided_thenMaestroRunsItAndOnlyThatClauseIsCited(
      String name, UnaryOperator<DecisionInput.Builder> change, String rule, String says) {
    Decision d = delegate(change.apply(delegable()));

    assertThat(d.runtime()).isEqualTo(Runtime.MAESTRO);
    assertThat(d.ruleIds().stream().filter(id -> id.startsWith("runtime."))).containsExactly(rule);
    assertThat(d.rationale()).contains(says);
  }

  @Test
  void givenTheWallClockJustUnderTheCeilingLessMargin_whenDecided_thenItIsDelegated() {
    assertThat(delegate(delegable().expectedWallClockSeconds(8 * 3600 - 1800 - 1)).runtime())
        .isEqualTo(Runtime.AGENTCORE);
  }

  @Test
  void givenTheDefaultPolicy_whenAVendorIsPreferred_thenDelegationIsOffUntilOptedIn() {
    Decision d = decide(delegable());

    assertThat(d.runtime()).isEqualTo(Runtime.MAESTRO);
    assertThat(d.ruleIds()).contains(Rules.RUNTIME_POLICY_CLASS);
  }

  // ---- the rest ----

  @Test
  void givenTheSameInput_whenDecidedTwice_thenTheDecisionsAreEqual() {
    DecisionInput in =
        delegable()
            .budget(spent("1.70"))
            .toolsRequested(List.of("fetch", "web.search", "nope"))
            .riskScore(0.85)
            .build();

    assertThat(PolicyKernel.decide(in, Inputs.delegating()))
        .isEqualTo(PolicyKernel.decide(in, Inputs.delegating()));
  }

  @Test
  void givenAnotherTenantsPolicy_whenDecided_thenItIsRefused() {
    assertThatThrownBy(
            () ->
                PolicyKernel.decide(
                    ordinary().build(), TenantPolicy.defaults(TenantId.of("other"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void givenADecision_whenTurnedIntoAnEvent_thenItKeepsRulesTierRuntimeBranchAndRationale() {
    Decision d = delegate(delegable());

    EventPayload.Decided e = DecisionEvents.of(d);

    assertThat(e.action()).isEqualTo("proceed");
    assertThat(e.tier()).isEqualTo("sonnet");
    assertThat(e.runtime()).isEqualTo(Runtime.AGENTCORE);
    assertThat(e.branch()).isEqualTo("continue");
    assertThat(e.ruleIds()).isEqualTo(d.ruleIds());
    assertThat(e.rationale()).isEqualTo(d.rationale());
    assertThat(e.policyRevision()).isEqualTo(5);
    assertThat(DecisionEvents.of(decide(ordinary().killSwitch(true))).tier()).isNull();
  }
}
