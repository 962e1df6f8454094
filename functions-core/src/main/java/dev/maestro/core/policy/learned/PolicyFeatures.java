package dev.maestro.core.policy.learned;

import dev.maestro.core.budget.Budget;
import dev.maestro.core.policy.Branch;
import dev.maestro.core.policy.DecisionInput;
import dev.maestro.core.policy.QualityCheck;
import dev.maestro.core.policy.TenantPolicy;
import dev.maestro.core.policy.Tier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The feature vectors the learned policy (v1) scores, one per candidate: the same encoding at
 * training time ({@code maestro policy train} reads recorded decision inputs) and at scoring time,
 * so a model trained on the log scores live decisions without skew. Every feature comes from the
 * {@link DecisionInput} and the tenant's policy document: what the rules see, nothing more.
 *
 * <p>A feature that does not apply is missing ({@link Float#NaN}), not zero: the quality check when
 * none ran, the deadline when there is none. Gradient-boosted trees learn a default direction for
 * missing values, and the exported model keeps it.
 *
 * <p>{@link #VERSION} changes whenever a feature is added, removed or re-encoded; a model records
 * the version it was trained on and is refused by a different encoding.
 */
public final class PolicyFeatures {

  /** The encoding's version; a model trained on another version is not loaded. */
  public static final int VERSION = 1;

  /** The features every candidate shares, in vector order. */
  public static final List<String> COMMON =
      List.of(
          "step_kind",
          "context_tokens_log2",
          "required_depth",
          "risk_score",
          "quality_check",
          "budget_spent_fraction",
          "budget_remaining_usd",
          "past_soft_cap",
          "estimated_step_usd",
          "deadline_hours_left",
          "tools_requested",
          "intent",
          "fork_count",
          "max_tier",
          "unhealthy_tiers");

  /** Route features: the common ones and the candidate tier's ordinal (0 = haiku). */
  public static final List<String> ROUTE = append(COMMON, "candidate_tier");

  /** Branch features: the common ones, the candidate branch's ordinal and its fork count. */
  public static final List<String> BRANCH =
      append(COMMON, "candidate_branch", "candidate_fork_count");

  private PolicyFeatures() {}

  /** The route vector for running the step of {@code in} at {@code candidate}. */
  public static float[] route(DecisionInput in, TenantPolicy policy, Tier candidate) {
    float[] v = new float[ROUTE.size()];
    common(in, policy, v);
    v[COMMON.size()] = candidate.ordinal();
    return v;
  }

  /** The branch vector for taking {@code candidate} (with {@code forkCount} sub-goals). */
  public static float[] branch(
      DecisionInput in, TenantPolicy policy, Branch candidate, int forkCount) {
    float[] v = new float[BRANCH.size()];
    common(in, policy, v);
    v[COMMON.size()] = candidate.ordinal();
    v[COMMON.size() + 1] = forkCount;
    return v;
  }

  private static void common(DecisionInput in, TenantPolicy policy, float[] v) {
    Budget budget = in.budget();
    double max = budget.limits().maxUsd().doubleValue();
    double spent = budget.spent().usd().doubleValue();
    int i = 0;
    v[i++] = in.stepKind().ordinal();
    v[i++] = (float) (Math.log1p(in.contextTokens()) / Math.log(2));
    v[i++] = in.requiredDepth();
    v[i++] = (float) in.riskScore();
    v[i++] =
        in.qualityCheck() == QualityCheck.NONE
            ? Float.NaN
            : in.qualityCheck() == QualityCheck.PASSED ? 1f : 0f;
    v[i++] = max > 0 ? (float) (spent / max) : Float.NaN;
    v[i++] = (float) Math.max(0, max - spent);
    v[i++] = budget.pastSoftCap() ? 1f : 0f;
    v[i++] = in.estimatedStepUsd().floatValue();
    v[i++] =
        in.deadline() == null
            ? Float.NaN
            : (float) (Duration.between(in.now(), in.deadline()).toSeconds() / 3600.0);
    v[i++] = in.toolsRequested().size();
    v[i++] = in.intent().ordinal();
    v[i++] = in.forkCount();
    v[i++] = policy.document().tiers().max().ordinal();
    v[i++] = in.unhealthyTiers().size();
  }

  private static List<String> append(List<String> base, String... more) {
    var all = new ArrayList<>(base);
    Collections.addAll(all, more);
    return List.copyOf(all);
  }
}
