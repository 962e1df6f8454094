package dev.maestro.core.policy;

import dev.maestro.core.budget.Budget;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.Runtime;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the policy kernel decides on (BRIEF §8), gathered by the caller so that {@link
 * PolicyKernel#decide} is a pure function: the same input and policy always give the same decision.
 * Time comes in as {@code now}; nothing is read from a clock, a store or the network.
 *
 * @param tenant whose policy applies
 * @param now the decision time (deferrals are relative to it; deadlines are compared with it)
 * @param status the continuation's status (a finished continuation runs nothing)
 * @param budget the continuation's limits and spend so far
 * @param estimatedStepUsd what the next step is expected to cost, in US dollars (0 when unknown)
 * @param stepKind what the next step does
 * @param contextTokens the size of the step's context, in tokens
 * @param requiredDepth how much reasoning the step needs: 0 (none) to 3 (the deepest tier)
 * @param unhealthyTiers tiers whose providers are currently failing (circuit open)
 * @param intent what the recipe asks for next
 * @param forkCount the number of sub-goals when {@code intent} is {@link Branch#FORK}, else 0
 * @param toolsRequested the tools the step wants to call
 * @param riskScore the step's risk, 0 (none) to 1
 * @param qualityCheck the outcome of the last quality check on the step's output
 * @param preferredRuntime where the recipe would like the sub-task to run
 * @param policyClass the goal frame's policy class (see {@link GoalFrame#policyClass()})
 * @param expectedWallClockSeconds how long the sub-task is expected to run end to end
 * @param expectedIdleSeconds the longest idle gap expected inside the sub-task
 * @param subtaskForksOrMerges whether the sub-task itself forks or merges
 * @param subtaskSleepsMultiDay whether the sub-task sleeps on a signal that may take days
 * @param deadline the goal frame's deadline, or null
 * @param killSwitch the operator's global kill switch is on
 * @param complianceFreeze a compliance freeze holds the tenant's writes
 * @param tenantDisabled the tenant is disabled by its operator
 * @param rateLimited tick admission (rate limit / fair queuing) said not now
 */
public record DecisionInput(
    TenantId tenant,
    Instant now,
    Status status,
    Budget budget,
    BigDecimal estimatedStepUsd,
    StepKind stepKind,
    long contextTokens,
    int requiredDepth,
    Set<Tier> unhealthyTiers,
    Branch intent,
    int forkCount,
    List<String> toolsRequested,
    double riskScore,
    QualityCheck qualityCheck,
    Runtime preferredRuntime,
    String policyClass,
    long expectedWallClockSeconds,
    long expectedIdleSeconds,
    boolean subtaskForksOrMerges,
    boolean subtaskSleepsMultiDay,
    Instant deadline,
    boolean killSwitch,
    boolean complianceFreeze,
    boolean tenantDisabled,
    boolean rateLimited) {

  /** The deepest {@code requiredDepth}. */
  public static final int MAX_DEPTH = 3;

  public DecisionInput {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(budget, "budget");
    Objects.requireNonNull(stepKind, "stepKind");
    Objects.requireNonNull(intent, "intent");
    Objects.requireNonNull(qualityCheck, "qualityCheck");
    Objects.requireNonNull(preferredRuntime, "preferredRuntime");
    Objects.requireNonNull(policyClass, "policyClass");
    estimatedStepUsd = estimatedStepUsd == null ? BigDecimal.ZERO : estimatedStepUsd;
    unhealthyTiers =
        unhealthyTiers == null || unhealthyTiers.isEmpty()
            ? EnumSet.noneOf(Tier.class)
            : EnumSet.copyOf(unhealthyTiers);
    toolsRequested = toolsRequested == null ? List.of() : List.copyOf(toolsRequested);
    if (estimatedStepUsd.signum() < 0)
      throw new IllegalArgumentException("estimatedStepUsd must be >= 0");
    if (contextTokens < 0) throw new IllegalArgumentException("contextTokens must be >= 0");
    if (requiredDepth < 0 || requiredDepth > MAX_DEPTH)
      throw new IllegalArgumentException("requiredDepth must be between 0 and " + MAX_DEPTH);
    if (!(riskScore >= 0 && riskScore <= 1))
      throw new IllegalArgumentException("riskScore must be between 0 and 1");
    if (intent == Branch.FORK ? forkCount < 1 : forkCount != 0)
      throw new IllegalArgumentException("forkCount must be >= 1 for a fork and 0 otherwise");
    if (expectedWallClockSeconds < 0 || expectedIdleSeconds < 0)
      throw new IllegalArgumentException("expected durations must be >= 0");
  }

  /** A builder with every optional input at its neutral value. */
  public static Builder builder(TenantId tenant, Instant now, Budget budget) {
    return new Builder(tenant, now, budget);
  }

  /** This input as a builder, to vary one field. */
  public Builder toBuilder() {
    var b = new Builder(tenant, now, budget);
    b.status = status;
    b.estimatedStepUsd = estimatedStepUsd;
    b.stepKind = stepKind;
    b.contextTokens = contextTokens;
    b.requiredDepth = requiredDepth;
    b.unhealthyTiers = unhealthyTiers;
    b.intent = intent;
    b.forkCount = forkCount;
    b.toolsRequested = toolsRequested;
    b.riskScore = riskScore;
    b.qualityCheck = qualityCheck;
    b.preferredRuntime = preferredRuntime;
    b.policyClass = policyClass;
    b.expectedWallClockSeconds = expectedWallClockSeconds;
    b.expectedIdleSeconds = expectedIdleSeconds;
    b.subtaskForksOrMerges = subtaskForksOrMerges;
    b.subtaskSleepsMultiDay = subtaskSleepsMultiDay;
    b.deadline = deadline;
    b.killSwitch = killSwitch;
    b.complianceFreeze = complianceFreeze;
    b.tenantDisabled = tenantDisabled;
    b.rateLimited = rateLimited;
    return b;
  }

  /** Builds a {@link DecisionInput}; defaults: a running continuation continuing a plan step. */
  public static final class Builder {
    private TenantId tenant;
    private Instant now;
    private Budget budget;
    private Status status = Status.RUNNING;
    private BigDecimal estimatedStepUsd = BigDecimal.ZERO;
    private StepKind stepKind = StepKind.PLAN;
    private long contextTokens;
    private int requiredDepth;
    private Set<Tier> unhealthyTiers = Set.of();
    private Branch intent = Branch.CONTINUE;
    private int forkCount;
    private List<String> toolsRequested = List.of();
    private double riskScore;
    private QualityCheck qualityCheck = QualityCheck.NONE;
    private Runtime preferredRuntime = Runtime.MAESTRO;
    private String policyClass = GoalFrame.DEFAULT_POLICY_CLASS;
    private long expectedWallClockSeconds;
    private long expectedIdleSeconds;
    private boolean subtaskForksOrMerges;
    private boolean subtaskSleepsMultiDay;
    private Instant deadline;
    private boolean killSwitch;
    private boolean complianceFreeze;
    private boolean tenantDisabled;
    private boolean rateLimited;

    private Builder(TenantId tenant, Instant now, Budget budget) {
      this.tenant = tenant;
      this.now = now;
      this.budget = budget;
    }

    public Builder tenant(TenantId v) {
      tenant = v;
      return this;
    }

    public Builder now(Instant v) {
      now = v;
      return this;
    }

    public Builder budget(Budget v) {
      budget = v;
      return this;
    }

    public Builder status(Status v) {
      status = v;
      return this;
    }

    public Builder estimatedStepUsd(BigDecimal v) {
      estimatedStepUsd = v;
      return this;
    }

    public Builder stepKind(StepKind v) {
      stepKind = v;
      return this;
    }

    public Builder contextTokens(long v) {
      contextTokens = v;
      return this;
    }

    public Builder requiredDepth(int v) {
      requiredDepth = v;
      return this;
    }

    public Builder unhealthyTiers(Set<Tier> v) {
      unhealthyTiers = v;
      return this;
    }

    /** The recipe's intent; a fork also needs {@link #fork(int)}. */
    public Builder intent(Branch v) {
      intent = v;
      if (v != Branch.FORK) forkCount = 0;
      return this;
    }

    /** The recipe asks to fork into {@code n} sub-goals. */
    public Builder fork(int n) {
      intent = Branch.FORK;
      forkCount = n;
      return this;
    }

    public Builder toolsRequested(List<String> v) {
      toolsRequested = v;
      return this;
    }

    public Builder riskScore(double v) {
      riskScore = v;
      return this;
    }

    public Builder qualityCheck(QualityCheck v) {
      qualityCheck = v;
      return this;
    }

    public Builder preferredRuntime(Runtime v) {
      preferredRuntime = v;
      return this;
    }

    public Builder policyClass(String v) {
      policyClass = v;
      return this;
    }

    public Builder expectedWallClockSeconds(long v) {
      expectedWallClockSeconds = v;
      return this;
    }

    public Builder expectedIdleSeconds(long v) {
      expectedIdleSeconds = v;
      return this;
    }

    public Builder subtaskForksOrMerges(boolean v) {
      subtaskForksOrMerges = v;
      return this;
    }

    public Builder subtaskSleepsMultiDay(boolean v) {
      subtaskSleepsMultiDay = v;
      return this;
    }

    public Builder deadline(Instant v) {
      deadline = v;
      return this;
    }

    public Builder killSwitch(boolean v) {
      killSwitch = v;
      return this;
    }

    public Builder complianceFreeze(boolean v) {
      complianceFreeze = v;
      return this;
    }

    public Builder tenantDisabled(boolean v) {
      tenantDisabled = v;
      return this;
    }

    public Builder rateLimited(boolean v) {
      rateLimited = v;
      return this;
    }

    public DecisionInput build() {
      return new DecisionInput(
          tenant,
          now,
          status,
          budget,
          estimatedStepUsd,
          stepKind,
          contextTokens,
          requiredDepth,
          unhealthyTiers,
          intent,
          forkCount,
          toolsRequested,
          riskScore,
          qualityCheck,
          preferredRuntime,
          policyClass,
          expectedWallClockSeconds,
          expectedIdleSeconds,
          subtaskForksOrMerges,
          subtaskSleepsMultiDay,
          deadline,
          killSwitch,
          complianceFreeze,
          tenantDisabled,
          rateLimited);
    }
  }
}
