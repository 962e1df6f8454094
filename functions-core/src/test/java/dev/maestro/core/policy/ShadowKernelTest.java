package dev.maestro.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.core.api.DecisionInputJson;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.json.Json;
import dev.maestro.core.policy.learned.LearnedModel;
import dev.maestro.core.policy.learned.LearnedPolicy;
import dev.maestro.core.policy.learned.PolicyFeatures;
import dev.maestro.core.policy.learned.ShadowKernel;
import dev.maestro.core.policy.learned.ShadowSwitch;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** Shadow mode: what v1 suggests, when it is skipped, and what is recorded. */
class ShadowKernelTest {

  private static final int TIER = PolicyFeatures.COMMON.size();
  private static final int BRANCH = PolicyFeatures.COMMON.size();

  /** A classifier computing each row's probability with {@code f}, counting its calls. */
  static final class FunctionModel implements LearnedModel {
    final int features;
    final ToDoubleFunction<float[]> f;
    final AtomicInteger calls = new AtomicInteger();

    FunctionModel(int features, ToDoubleFunction<float[]> f) {
      this.features = features;
      this.f = f;
    }

    @Override
    public int featureCount() {
      return features;
    }

    @Override
    public double[] predict(float[][] rows) {
      calls.incrementAndGet();
      double[] out = new double[rows.length];
      for (int i = 0; i < rows.length; i++) out[i] = f.applyAsDouble(rows[i]);
      return out;
    }
  }

  /** Pass probability haiku 0.5, sonnet 0.8, opus 0.95; goal probability continue 0.3 … */
  private static final double[] BY_TIER = {0.5, 0.8, 0.95};

  private static FunctionModel route(double... byTier) {
    return new FunctionModel(PolicyFeatures.ROUTE.size(), row -> byTier[(int) row[TIER]]);
  }

  private static FunctionModel branch(double continueP, double completeP, double forkP) {
    return new FunctionModel(
        PolicyFeatures.BRANCH.size(),
        row ->
            switch (Branch.values()[(int) row[BRANCH]]) {
              case CONTINUE -> continueP;
              case COMPLETE -> completeP;
              case FORK -> forkP;
              default -> throw new AssertionError("not a candidate: " + row[BRANCH]);
            });
  }

  private static ShadowKernel kernel(LearnedModel route, LearnedModel branch, ShadowSwitch s) {
    return new ShadowKernel(new LearnedPolicy("v1-test", route, branch, 0.75), s);
  }

  @Test
  void
      givenPassProbabilitiesByTier_whenScored_thenTheCheapestTierReachingTheThresholdIsSuggested() {
    var k = kernel(route(BY_TIER), branch(0.3, 0.2, 0.6), ShadowSwitch.on());
    DecisionInput in = Inputs.ordinary().stepKind(StepKind.SYNTHESIZE).build();

    ShadowKernel.Shadowed s = k.decide(in, Inputs.defaults());

    assertThat(s.decision().tier()).isEqualTo(Tier.SONNET);
    assertThat(s.shadow().tier()).isEqualTo("sonnet");
    assertThat(s.shadow().tierScores())
        .containsEntry("haiku", 0.5)
        .containsEntry("sonnet", 0.8)
        .containsEntry("opus", 0.95);
    assertThat(s.shadow().model()).isEqualTo("v1-test");
    assertThat(s.skipped()).isNull();
  }

  @Test
  void givenNoTierReachesTheThreshold_whenScored_thenTheMostLikelyTierIsSuggested() {
    var k = kernel(route(0.2, 0.6, 0.4), branch(0.3, 0.2, 0.6), ShadowSwitch.on());

    ShadowKernel.Shadowed s = k.decide(Inputs.ordinary().build(), Inputs.defaults());

    assertThat(s.shadow().tier()).isEqualTo("sonnet");
  }

  @Test
  void givenTheTenantAllowsAtMostHaiku_whenScored_thenOnlyHaikuIsACandidate() {
    var k = kernel(route(BY_TIER), branch(0.3, 0.2, 0.6), ShadowSwitch.on());

    ShadowKernel.Shadowed s = k.decide(Inputs.ordinary().build(), Inputs.maxTier(Tier.HAIKU));

    assertThat(s.shadow().tierScores()).containsOnlyKeys("haiku");
    assertThat(s.shadow().tier()).isEqualTo("haiku");
  }

  @Test
  void givenAnUnhealthyTier_whenScored_thenItIsNotACandidate() {
    var k = kernel(route(BY_TIER), branch(0.3, 0.2, 0.6), ShadowSwitch.on());
    DecisionInput in =
        Inputs.ordinary()
            .stepKind(StepKind.SYNTHESIZE)
            .unhealthyTiers(java.util.Set.of(Tier.SONNET))
            .build();

    ShadowKernel.Shadowed s = k.decide(in, Inputs.defaults());

    assertThat(s.shadow().tierScores()).doesNotContainKey("sonnet");
    assertThat(s.shadow().tier()).isEqualTo("opus");
  }

  @Test
  void givenAForkTheRulesAllow_whenScored_thenForkContinueAndCompleteAreWeighed() {
    var k = kernel(route(BY_TIER), branch(0.3, 0.2, 0.6), ShadowSwitch.on());
    DecisionInput in = Inputs.ordinary().fork(3).build();

    ShadowKernel.Shadowed s = k.decide(in, Inputs.defaults());

    assertThat(s.decision().branch()).isEqualTo(Branch.FORK);
    assertThat(s.shadow().branchScores()).containsOnlyKeys("continue", "complete", "fork");
    assertThat(s.shadow().branch()).isEqualTo("fork");
    assertThat(s.shadow().forkCount()).isEqualTo(3);
  }

  @Test
  void givenContinuingIsUnlikelyToMeetTheGoal_whenScored_thenCompletingIsSuggested() {
    var k = kernel(route(BY_TIER), branch(0.3, 0.7, 0.9), ShadowSwitch.on());

    ShadowKernel.Shadowed s = k.decide(Inputs.ordinary().build(), Inputs.defaults());

    assertThat(s.shadow().branchScores()).containsOnlyKeys("continue", "complete");
    assertThat(s.shadow().branch()).isEqualTo("complete");
    assertThat(s.shadow().forkCount()).isNull();
  }

  @Test
  void givenASleep_whenScored_thenTheBranchIsNotScored() {
    var k = kernel(route(BY_TIER), branch(0.3, 0.7, 0.9), ShadowSwitch.on());

    ShadowKernel.Shadowed s =
        k.decide(Inputs.ordinary().intent(Branch.SLEEP).build(), Inputs.defaults());

    assertThat(s.shadow().branch()).isNull();
    assertThat(s.shadow().branchScores()).isEmpty();
    assertThat(s.shadow().tier()).isNotNull();
  }

  @Test
  void givenTheKillSwitchTurnedOff_whenDeciding_thenNothingIsScoredUntilItIsOnAgain() {
    FunctionModel r = route(BY_TIER);
    ShadowSwitch.Toggle toggle = ShadowSwitch.toggle(true);
    var k = kernel(r, branch(0.3, 0.2, 0.6), toggle);
    DecisionInput in = Inputs.ordinary().build();

    assertThat(k.decide(in, Inputs.defaults()).shadow()).isNotNull();
    toggle.set(false);
    ShadowKernel.Shadowed off = k.decide(in, Inputs.defaults());
    int callsWhileOff = r.calls.get();
    k.decide(in, Inputs.defaults());
    toggle.set(true);

    assertThat(off.shadow()).isNull();
    assertThat(off.skipped()).isEqualTo("the learned policy is switched off");
    assertThat(off.decision()).isEqualTo(PolicyKernel.decide(in, Inputs.defaults()));
    assertThat(r.calls.get()).as("no scoring while off").isEqualTo(callsWhileOff);
    assertThat(k.decide(in, Inputs.defaults()).shadow()).isNotNull();
  }

  @Test
  void givenAModelThatFails_whenDeciding_thenTheRulesDecideAndTheFailureIsTheReason() {
    var failing =
        new FunctionModel(
            PolicyFeatures.ROUTE.size(),
            row -> {
              throw new IllegalStateException("session closed");
            });
    var k = kernel(failing, branch(0.3, 0.2, 0.6), ShadowSwitch.on());
    DecisionInput in = Inputs.ordinary().build();

    ShadowKernel.Shadowed s = k.decide(in, Inputs.defaults());

    assertThat(s.decision()).isEqualTo(PolicyKernel.decide(in, Inputs.defaults()));
    assertThat(s.shadow()).isNull();
    assertThat(s.skipped()).isEqualTo("scoring failed: session closed");
  }

  @Test
  void givenAClosedGate_whenDeciding_thenV1IsNotAsked() {
    FunctionModel r = route(BY_TIER);
    var k = kernel(r, branch(0.3, 0.2, 0.6), ShadowSwitch.on());

    ShadowKernel.Shadowed s =
        k.decide(Inputs.ordinary().killSwitch(true).build(), Inputs.defaults());

    assertThat(s.decision().action()).isEqualTo(Action.STOP);
    assertThat(s.skipped()).startsWith("not scored");
  }

  @Test
  void givenNoModel_whenDeciding_thenTheReasonSaysSo() {
    ShadowKernel.Shadowed s =
        ShadowKernel.rulesOnly().decide(Inputs.ordinary().build(), Inputs.defaults());

    assertThat(s.shadow()).isNull();
    assertThat(s.skipped()).isEqualTo("no learned policy is loaded");
  }

  @Test
  void givenNoLearnedPolicySourceOnTheClassPath_whenAFunctionStarts_thenTheRulesDecideAlone() {
    ShadowKernel k =
        dev.maestro.core.policy.learned.LearnedPolicySource.shadowKernel(java.util.Map.of());

    assertThat(k.model()).isNull();
    assertThat(k.decide(Inputs.ordinary().build(), Inputs.defaults()).skipped())
        .isEqualTo("no learned policy is loaded");
  }

  @Test
  void givenAModelOfAnotherWidth_whenBuildingThePolicy_thenItIsRefusedNamingBothWidths() {
    assertThatThrownBy(
            () ->
                new LearnedPolicy(
                    "v1-old", new FunctionModel(5, row -> 0.5), branch(0.1, 0.1, 0.1), 0.75))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("takes 5 features")
        .hasMessageContaining(String.valueOf(PolicyFeatures.ROUTE.size()));
  }

  @Test
  void givenAShadowedDecision_whenRecorded_thenTheEventCarriesInputAndShadowThroughJson()
      throws Exception {
    var k = kernel(route(BY_TIER), branch(0.3, 0.2, 0.6), ShadowSwitch.on());
    DecisionInput in = Inputs.ordinary().fork(2).qualityCheck(QualityCheck.FAILED).build();
    ShadowKernel.Shadowed s = k.decide(in, Inputs.defaults());

    EventPayload.Decided event =
        DecisionEvents.of(s.decision(), DecisionInputJson.write(in), s.shadow());
    EventPayload.Decided back =
        Json.mapper().readValue(Json.write(event), EventPayload.Decided.class);

    assertThat(Json.canonical(back)).isEqualTo(Json.canonical(event));
    assertThat(back.forkCount()).isEqualTo(2);
    assertThat(back.input().path("qualityCheck").asText()).isEqualTo("failed");
    assertThat(back.shadow().tierScores()).isEqualTo(s.shadow().tierScores());
  }

  @Test
  void givenAnInput_whenEncoded_thenMissingFeaturesAreNaNAndTheVectorMatchesTheNames() {
    DecisionInput none = Inputs.ordinary().build();
    DecisionInput some =
        Inputs.ordinary()
            .qualityCheck(QualityCheck.PASSED)
            .deadline(Inputs.NOW.plusSeconds(7200))
            .build();

    float[] a = PolicyFeatures.route(none, Inputs.defaults(), Tier.OPUS);
    float[] b = PolicyFeatures.branch(some, Inputs.defaults(), Branch.FORK, 4);

    List<String> names = PolicyFeatures.ROUTE;
    assertThat(a).hasSize(names.size());
    assertThat(a[names.indexOf("quality_check")]).isNaN();
    assertThat(a[names.indexOf("deadline_hours_left")]).isNaN();
    assertThat(a[names.indexOf("candidate_tier")]).isEqualTo(2f);
    assertThat(a[names.indexOf("budget_spent_fraction")]).isEqualTo(0.1f);
    assertThat(b).hasSize(PolicyFeatures.BRANCH.size());
    assertThat(b[PolicyFeatures.BRANCH.indexOf("quality_check")]).isEqualTo(1f);
    assertThat(b[PolicyFeatures.BRANCH.indexOf("deadline_hours_left")]).isEqualTo(2f);
    assertThat(b[PolicyFeatures.BRANCH.indexOf("candidate_fork_count")]).isEqualTo(4f);
  }
}
