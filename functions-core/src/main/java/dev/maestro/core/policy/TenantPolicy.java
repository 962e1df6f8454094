package dev.maestro.core.policy;

import dev.maestro.core.budget.BudgetLedger;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.budget.TenantDailyCap;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.Runtime;
import dev.maestro.core.security.pii.Redactor;
import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link PolicyDocument} compiled for the kernel's hot path: tiers in an array by step kind,
 * tools and classes in hash sets, thresholds as primitives, so that a decision looks things up
 * rather than walking the document. Immutable and thread-safe; build once per document revision.
 */
public final class TenantPolicy {

  private static final Set<Tier> ALL_TIERS = EnumSet.allOf(Tier.class);

  private final PolicyDocument document;
  private final Tier[] stepTiers;
  private final double softCapFraction;
  private final Set<String> allowedTools;
  private final Set<String> costlyTools;
  private final double approvalRisk;
  private final Set<String> externalClasses;
  private final Set<Tier> agentcoreTiers;
  private final Set<Tier> foundryTiers;
  private final BudgetLimits dailyLimits;
  private final Redactor redactor;

  private TenantPolicy(PolicyDocument document) {
    this(document, Redactor.of(document.pii()));
  }

  private TenantPolicy(PolicyDocument document, Redactor redactor) {
    this.document = Objects.requireNonNull(document, "document");
    this.stepTiers = new Tier[StepKind.values().length];
    for (StepKind kind : StepKind.values()) stepTiers[kind.ordinal()] = document.tiers().of(kind);
    this.softCapFraction = document.softCapFraction().doubleValue();
    this.allowedTools = Set.copyOf(document.allowedTools());
    this.costlyTools = Set.copyOf(document.costlyTools());
    this.approvalRisk = document.approval().riskThreshold().doubleValue();
    this.externalClasses = Set.copyOf(document.externalRuntimes().policyClasses());
    this.agentcoreTiers = tiers(document.externalRuntimes().agentcore());
    this.foundryTiers = tiers(document.externalRuntimes().foundry());
    this.dailyLimits = document.dailyLimits();
    this.redactor = redactor;
  }

  /** The compiled form of {@code document} (already validated by {@link PolicyDocument#parse}). */
  public static TenantPolicy of(PolicyDocument document) {
    return new TenantPolicy(document);
  }

  /** The built-in default policy for {@code tenant}; see {@link PolicyDocument#defaults}. */
  public static TenantPolicy defaults(TenantId tenant) {
    return new TenantPolicy(PolicyDocument.defaults(tenant));
  }

  /**
   * The tenant's daily budget limits for {@link BudgetLedger#limitTenantDaily} (see {@link
   * PolicyDocument#dailyLimits}); empty when the document sets no daily cap.
   */
  public Optional<BudgetLimits> dailyLimits() {
    return Optional.ofNullable(dailyLimits);
  }

  /**
   * Pushes this policy's daily limits into {@code ledger} (see {@link TenantDailyCap#apply}); call
   * it when the document is loaded or replaced.
   *
   * @return whether the document sets a daily cap (and it was pushed)
   */
  public boolean pushDailyLimits(BudgetLedger ledger) {
    return TenantDailyCap.apply(tenant(), dailyLimits(), ledger);
  }

  /**
   * The redactor for this tenant's writes (BRIEF §12): the built-in detectors plus the document's
   * {@code pii} patterns, or nothing when the document disables redaction.
   */
  public Redactor redactor() {
    return redactor;
  }

  /**
   * Whether a compliance freeze holds the tenant: the document's {@code freeze} section is active
   * (a runtime override arrives as a policy with such a section, see {@link #withFreeze}). Recipes
   * feed it to the kernel as {@code DecisionInput.complianceFreeze}.
   */
  public boolean frozen() {
    return document.frozen();
  }

  /** The freeze in force, if any. */
  public Optional<PolicyDocument.Freeze> freeze() {
    return frozen() ? Optional.of(document.freeze()) : Optional.empty();
  }

  /**
   * This tenant's ingress rate limit (the document's, or {@link PolicyDocument.RateLimit#DEFAULT}).
   */
  public PolicyDocument.RateLimit rateLimit() {
    return document.rateLimitOrDefault();
  }

  /**
   * This policy with {@code freeze} in force instead of the document's own freeze section (an
   * emergency override). The redactor is shared, not recompiled.
   */
  public TenantPolicy withFreeze(PolicyDocument.Freeze freeze) {
    return new TenantPolicy(document.withFreeze(freeze), redactor);
  }

  /** The document this policy was compiled from. */
  public PolicyDocument document() {
    return document;
  }

  public TenantId tenant() {
    return document.tenant();
  }

  long revision() {
    return document.revision();
  }

  boolean enabled() {
    return document.enabled();
  }

  Tier maxTier() {
    return document.tiers().max();
  }

  Tier stepTier(StepKind kind) {
    return stepTiers[kind.ordinal()];
  }

  long largeContextTokens() {
    return document.tiers().largeContextTokens();
  }

  double softCapFraction() {
    return softCapFraction;
  }

  boolean toolAllowed(String tool) {
    return allowedTools.contains(tool);
  }

  boolean toolCostly(String tool) {
    return costlyTools.contains(tool);
  }

  int maxForks() {
    return document.maxForks();
  }

  BigDecimal approvalUsd() {
    return document.approval().usdThreshold();
  }

  double approvalRisk() {
    return approvalRisk;
  }

  boolean externalAllowedFor(String policyClass) {
    return externalClasses.contains(policyClass);
  }

  /** Whether the tenant has {@code runtime} enabled at all (it serves some tier). */
  boolean runtimeEnabled(Runtime runtime) {
    return !servedTiers(runtime).isEmpty();
  }

  boolean serves(Runtime runtime, Tier tier) {
    return servedTiers(runtime).contains(tier);
  }

  long safetyMarginSeconds() {
    return document.externalRuntimes().safetyMarginSeconds();
  }

  long deferSeconds() {
    return document.deferSeconds();
  }

  private Set<Tier> servedTiers(Runtime runtime) {
    return switch (runtime) {
      case AGENTCORE -> agentcoreTiers;
      case FOUNDRY -> foundryTiers;
      case MAESTRO -> ALL_TIERS;
    };
  }

  private static Set<Tier> tiers(java.util.List<Tier> list) {
    return list.isEmpty() ? EnumSet.noneOf(Tier.class) : EnumSet.copyOf(list);
  }
}
