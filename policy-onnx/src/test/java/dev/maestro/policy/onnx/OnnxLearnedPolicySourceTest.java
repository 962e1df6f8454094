package dev.maestro.policy.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.core.budget.Budget;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.policy.DecisionInput;
import dev.maestro.core.policy.TenantPolicy;
import dev.maestro.core.policy.learned.LearnedPolicySource;
import dev.maestro.core.policy.learned.ShadowKernel;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a cloud function finds its learned policy: through the {@link LearnedPolicySource} this jar
 * registers, under the {@code MAESTRO_POLICY_V1} setting.
 */
class OnnxLearnedPolicySourceTest {

  private static final TenantId ACME = TenantId.of("acme");
  private static final DecisionInput STEP =
      DecisionInput.builder(
              ACME,
              Instant.parse("2026-11-23T10:00:00Z"),
              Budget.fresh(BudgetLimits.ofUsd(new BigDecimal("2.00"), 0)))
          .build();

  @Test
  void givenThisJarOnTheClassPath_whenAFunctionStarts_thenItScoresWithTheShippedModel() {
    ShadowKernel k = LearnedPolicySource.shadowKernel(Map.of());

    ShadowKernel.Shadowed s = k.decide(STEP, TenantPolicy.defaults(ACME));

    assertThat(k.model()).isEqualTo(LearnedPolicies.defaultManifest().orElseThrow().version());
    assertThat(s.shadow()).isNotNull();
  }

  @Test
  void givenTheSettingOff_whenAFunctionStarts_thenTheModelLoadsButNothingIsScored() {
    ShadowKernel k = LearnedPolicySource.shadowKernel(Map.of(LearnedPolicySource.SWITCH, "OFF"));

    ShadowKernel.Shadowed s = k.decide(STEP, TenantPolicy.defaults(ACME));

    assertThat(s.shadow()).isNull();
    assertThat(s.skipped()).isEqualTo("the learned policy is switched off");
  }

  @Test
  void givenAModelDirectoryThatHoldsNoModel_whenAFunctionStarts_thenTheRulesDecideAlone(
      @TempDir Path empty) {
    ShadowKernel k =
        LearnedPolicySource.shadowKernel(Map.of(OnnxLearnedPolicySource.MODEL, empty.toString()));

    ShadowKernel.Shadowed s = k.decide(STEP, TenantPolicy.defaults(ACME));

    assertThat(k.model()).isNull();
    assertThat(s.decision().ruleIds()).isNotEmpty();
    assertThat(s.skipped()).isEqualTo("no learned policy is loaded");
  }
}
