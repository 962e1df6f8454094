package dev.maestro.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.core.api.DecisionInputJson;
import dev.maestro.core.api.DecisionInputParser;
import dev.maestro.core.policy.learned.LearnedModel;
import dev.maestro.core.policy.learned.LearnedPolicy;
import dev.maestro.core.policy.learned.PolicyFeatures;
import dev.maestro.core.policy.learned.ShadowKernel;
import dev.maestro.core.policy.learned.ShadowSwitch;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Invariants of shadow mode over arbitrary inputs and policies: the learned policy never changes
 * the decision that applies, and what it suggests stays inside what the rules allow.
 */
class ShadowKernelPropertiesTest {

  /** A classifier whose probability is a deterministic hash of the row, spread over [0, 1]. */
  static LearnedModel hashing(int features) {
    return new LearnedModel() {
      @Override
      public int featureCount() {
        return features;
      }

      @Override
      public double[] predict(float[][] rows) {
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
          out[i] = (java.util.Arrays.hashCode(rows[i]) & 0xffff) / 65535.0;
        }
        return out;
      }
    };
  }

  private static final ShadowKernel SHADOW =
      new ShadowKernel(
          new LearnedPolicy(
              "v1-hash",
              hashing(PolicyFeatures.ROUTE.size()),
              hashing(PolicyFeatures.BRANCH.size()),
              0.5),
          ShadowSwitch.on());

  @Provide
  Arbitrary<TenantPolicy> policies() {
    return Arbitraries.of(Tier.class)
        .flatMap(
            max -> Arbitraries.of(Inputs.defaults(), Inputs.delegating(), Inputs.maxTier(max)));
  }

  @Property
  void theDecisionThatAppliesIsAlwaysTheRules(
      @ForAll long seed,
      @ForAll @IntRange(max = 120) int spentPercent,
      @ForAll("policies") TenantPolicy policy) {
    DecisionInput in = PolicyKernelPropertiesTest.input(seed, spentPercent);

    ShadowKernel.Shadowed s = SHADOW.decide(in, policy);

    assertThat(s.decision()).isEqualTo(PolicyKernel.decide(in, policy));
    assertThat(s.shadow() == null)
        .as("a shadow exactly when the rules proceed")
        .isEqualTo(s.decision().action() != Action.PROCEED);
  }

  @Property
  void theSuggestedTierIsOneTheRulesAllow(
      @ForAll long seed,
      @ForAll @IntRange(max = 120) int spentPercent,
      @ForAll("policies") TenantPolicy policy) {
    DecisionInput in = PolicyKernelPropertiesTest.input(seed, spentPercent);

    ShadowKernel.Shadowed s = SHADOW.decide(in, policy);
    if (s.shadow() == null) return;
    Tier suggested = Tier.fromWire(s.shadow().tier());
    Decision d = s.decision();

    assertThat(suggested.above(policy.maxTier())).as("above the tenant's max").isFalse();
    assertThat(suggested == d.tier() || !in.unhealthyTiers().contains(suggested))
        .as("an unhealthy tier")
        .isTrue();
    if (in.budget().pastSoftCap()) {
      assertThat(suggested.above(d.tier())).as("above the rules' tier past the soft cap").isFalse();
    }
    assertThat(s.shadow().tierScores()).containsKey(suggested.wire());
    assertThat(s.shadow().tierScores().values()).allSatisfy(p -> assertThat(p).isBetween(0.0, 1.0));
  }

  @Property
  void theSuggestedBranchIsOnlyAChoiceTheRulesLeftOpen(
      @ForAll long seed,
      @ForAll @IntRange(max = 120) int spentPercent,
      @ForAll("policies") TenantPolicy policy) {
    DecisionInput in = PolicyKernelPropertiesTest.input(seed, spentPercent);

    ShadowKernel.Shadowed s = SHADOW.decide(in, policy);
    if (s.shadow() == null || s.shadow().branch() == null) return;
    Decision d = s.decision();
    Branch suggested = Branch.fromWire(s.shadow().branch());

    assertThat(d.branch()).isIn(Branch.CONTINUE, Branch.FORK, Branch.COMPLETE);
    assertThat(d.approvalRequired()).isFalse();
    assertThat(suggested).isIn(Branch.CONTINUE, Branch.COMPLETE, d.branch());
    if (suggested == Branch.FORK) assertThat(s.shadow().forkCount()).isEqualTo(d.forkCount());
  }

  @Property
  void aWrittenInputParsesBackToItself(
      @ForAll long seed, @ForAll @IntRange(max = 300) int spentPercent) {
    DecisionInput in = PolicyKernelPropertiesTest.input(seed, spentPercent);

    DecisionInput back =
        DecisionInputParser.parse(DecisionInputJson.write(in), in.tenant(), Instant.EPOCH);

    assertThat(back).isEqualTo(in);
  }
}
