package dev.maestro.core.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.InvalidInputException;
import dev.maestro.core.field.FieldPolicy;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * A tenant's policy rules as a versioned JSON document: what the kernel's five layers may do for
 * that tenant. {@code version} is the format (only {@value #FORMAT_VERSION} exists); {@code
 * revision} is the tenant's edit counter, recorded on every decision so that a decision can be
 * replayed under the policy that made it. Read with {@link #parse}, which rejects the whole
 * document and names every offending field as a JSON pointer; the JSON Schema is {@code
 * schemas/PolicyDocument.schema.json}.
 *
 * @param version the document format, {@value #FORMAT_VERSION}
 * @param tenant the tenant the document governs
 * @param revision the tenant's revision of it (0 for the built-in default)
 * @param enabled false disables the tenant: every decision stops
 * @param tiers tier routing: the highest tier allowed and the base tier per step kind
 * @param softCapFraction the share of a continuation's hard cap at which tiers downshift (the
 *     budget's own {@code softUsd}, when lower, still applies)
 * @param allowedTools the tools any step may call
 * @param costlyTools the allowed tools dropped once spend passes the soft cap
 * @param maxForks the most sub-goals one fork may create
 * @param approval when a person must approve a step
 * @param externalRuntimes where delegation to a vendor runtime is allowed
 * @param deferSeconds how long a deferred decision waits before it is tried again
 * @param daily the tenant's daily budget cap (BRIEF §9), per UTC day; {@code null} (the field
 *     absent): no daily cap
 * @param field the tenant's context field configuration (BRIEF §10): the score function's weights
 *     and the assembler's settings; {@code null} (the section absent): {@link FieldPolicy#DEFAULTS}
 *     (see {@link #fieldPolicy()})
 * @param pii the tenant's PII redaction settings (BRIEF §12): extra patterns and the replacement
 *     text; {@code null} (the section absent): the built-in detectors with the default replacement
 * @param freeze the tenant's compliance freeze (BRIEF §12); {@code null} (the section absent): not
 *     frozen
 * @param rateLimit the tenant's request rate limit at API ingress; {@code null} (the section
 *     absent): {@link RateLimit#DEFAULT}
 */
public record PolicyDocument(
    int version,
    TenantId tenant,
    long revision,
    boolean enabled,
    Tiers tiers,
    BigDecimal softCapFraction,
    List<String> allowedTools,
    List<String> costlyTools,
    int maxForks,
    Approval approval,
    ExternalRuntimes externalRuntimes,
    long deferSeconds,
    @JsonInclude(JsonInclude.Include.NON_NULL) Daily daily,
    @JsonInclude(JsonInclude.Include.NON_NULL) FieldPolicy field,
    @JsonInclude(JsonInclude.Include.NON_NULL) Pii pii,
    @JsonInclude(JsonInclude.Include.NON_NULL) Freeze freeze,
    @JsonInclude(JsonInclude.Include.NON_NULL) RateLimit rateLimit) {

  /** The only document format so far. */
  public static final int FORMAT_VERSION = 1;

  public PolicyDocument {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(tiers, "tiers");
    Objects.requireNonNull(softCapFraction, "softCapFraction");
    allowedTools = List.copyOf(allowedTools);
    costlyTools = List.copyOf(costlyTools);
    Objects.requireNonNull(approval, "approval");
    Objects.requireNonNull(externalRuntimes, "externalRuntimes");
  }

  /** A document without the security sections ({@code pii}, {@code freeze}, {@code rateLimit}). */
  public PolicyDocument(
      int version,
      TenantId tenant,
      long revision,
      boolean enabled,
      Tiers tiers,
      BigDecimal softCapFraction,
      List<String> allowedTools,
      List<String> costlyTools,
      int maxForks,
      Approval approval,
      ExternalRuntimes externalRuntimes,
      long deferSeconds,
      Daily daily,
      FieldPolicy field) {
    this(
        version,
        tenant,
        revision,
        enabled,
        tiers,
        softCapFraction,
        allowedTools,
        costlyTools,
        maxForks,
        approval,
        externalRuntimes,
        deferSeconds,
        daily,
        field,
        null,
        null,
        null);
  }

  /** A document without a field section ({@code field} absent). */
  public PolicyDocument(
      int version,
      TenantId tenant,
      long revision,
      boolean enabled,
      Tiers tiers,
      BigDecimal softCapFraction,
      List<String> allowedTools,
      List<String> costlyTools,
      int maxForks,
      Approval approval,
      ExternalRuntimes externalRuntimes,
      long deferSeconds,
      Daily daily) {
    this(
        version,
        tenant,
        revision,
        enabled,
        tiers,
        softCapFraction,
        allowedTools,
        costlyTools,
        maxForks,
        approval,
        externalRuntimes,
        deferSeconds,
        daily,
        null);
  }

  /** A document without a daily cap ({@code daily} absent) or field section. */
  public PolicyDocument(
      int version,
      TenantId tenant,
      long revision,
      boolean enabled,
      Tiers tiers,
      BigDecimal softCapFraction,
      List<String> allowedTools,
      List<String> costlyTools,
      int maxForks,
      Approval approval,
      ExternalRuntimes externalRuntimes,
      long deferSeconds) {
    this(
        version,
        tenant,
        revision,
        enabled,
        tiers,
        softCapFraction,
        allowedTools,
        costlyTools,
        maxForks,
        approval,
        externalRuntimes,
        deferSeconds,
        null,
        null);
  }

  /** This document with {@code freeze} in place of its own freeze section (null: not frozen). */
  public PolicyDocument withFreeze(Freeze freeze) {
    return new PolicyDocument(
        version,
        tenant,
        revision,
        enabled,
        tiers,
        softCapFraction,
        allowedTools,
        costlyTools,
        maxForks,
        approval,
        externalRuntimes,
        deferSeconds,
        daily,
        field,
        pii,
        freeze,
        rateLimit);
  }

  /** The tenant's rate limit: the document's {@code rateLimit}, or {@link RateLimit#DEFAULT}. */
  public RateLimit rateLimitOrDefault() {
    return rateLimit != null ? rateLimit : RateLimit.DEFAULT;
  }

  /** Whether a compliance freeze holds the tenant (the {@code freeze} section, active). */
  public boolean frozen() {
    return freeze != null && freeze.active();
  }

  /**
   * PII redaction settings (BRIEF §12). The built-in detectors (email, phone, card, iban, ssn,
   * nino) always run while {@code enabled}; {@code patterns} add the tenant's own. Every match is
   * replaced by {@code replacement} with {@code {name}} standing for the detector's name.
   *
   * @param enabled false turns redaction off for the tenant (test tenants with synthetic data)
   * @param patterns extra detectors, each a name and a Java regular expression
   * @param replacement the replacement text; {@code {name}} is the detector's name
   */
  public record Pii(
      boolean enabled,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<PiiPattern> patterns,
      @JsonInclude(JsonInclude.Include.NON_NULL) String replacement) {

    /** The replacement text when a document names none. */
    public static final String DEFAULT_REPLACEMENT = "[REDACTED:{name}]";

    public Pii {
      patterns = patterns == null ? List.of() : List.copyOf(patterns);
    }

    /** The replacement template in force: {@code replacement}, or {@link #DEFAULT_REPLACEMENT}. */
    public String replacementOrDefault() {
      return replacement != null ? replacement : DEFAULT_REPLACEMENT;
    }
  }

  /**
   * One tenant-defined PII detector.
   *
   * @param name the detector's name (lower-case letters, digits, '-' and '_'), used in the
   *     replacement and in metrics
   * @param regex a Java regular expression; every match is replaced
   */
  public record PiiPattern(String name, String regex) {
    public PiiPattern {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(regex, "regex");
    }
  }

  /**
   * A compliance freeze (BRIEF §12): while {@code active}, the API refuses new work and writes of
   * data for the tenant (423), and the policy kernel stops the tenant's running continuations;
   * reads and kills stay allowed.
   *
   * @param active whether the freeze holds
   * @param reason why, quoted in every refusal
   * @param since when it began (informational), or null
   */
  public record Freeze(
      boolean active,
      String reason,
      @JsonInclude(JsonInclude.Include.NON_NULL) java.time.Instant since) {
    public Freeze {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * The tenant's request rate at API ingress: a token bucket holding at most {@code burst} requests
   * and refilled at {@code requestsPerSecond}. Kept per process (per function instance on the
   * clouds); the gateway's throttling is the limit across instances.
   *
   * @param requestsPerSecond the sustained rate
   * @param burst the most requests accepted at once after a quiet period
   */
  public record RateLimit(BigDecimal requestsPerSecond, int burst) {

    /** The limit of a tenant whose document sets none: generous, a guard against runaways. */
    public static final RateLimit DEFAULT = new RateLimit(new BigDecimal("50"), 200);

    public RateLimit {
      Objects.requireNonNull(requestsPerSecond, "requestsPerSecond");
      if (requestsPerSecond.signum() <= 0)
        throw new IllegalArgumentException("requestsPerSecond must be > 0");
      if (burst < 1) throw new IllegalArgumentException("burst must be >= 1");
    }
  }

  /**
   * The tenant's context field configuration: the document's {@code field} section, or {@link
   * FieldPolicy#DEFAULTS} when it has none. What the field service weights this tenant's fields
   * with.
   */
  public FieldPolicy fieldPolicy() {
    return field != null ? field : FieldPolicy.DEFAULTS;
  }

  /**
   * The daily budget cap of BRIEF §9 for this document's tenant: the ledger refuses any model call
   * that would take the tenant's spend on one UTC day past {@code dailyUsd}, and the API refuses
   * new work once it is reached. {@code dailySoftUsd} is where the 50/80/100 % alerts' "soft" line
   * and downshifting sit; absent, it is {@code softCapFraction} of the cap (see {@link
   * #dailyLimits}).
   *
   * @param dailyUsd the hard cap in dollars per UTC day
   * @param dailySoftUsd the soft cap, at most {@code dailyUsd}; {@code null}: the document's {@code
   *     softCapFraction} of {@code dailyUsd}
   */
  public record Daily(
      BigDecimal dailyUsd, @JsonInclude(JsonInclude.Include.NON_NULL) BigDecimal dailySoftUsd) {
    public Daily {
      Objects.requireNonNull(dailyUsd, "dailyUsd");
      if (dailyUsd.signum() < 0) throw new IllegalArgumentException("dailyUsd must be >= 0");
      if (dailySoftUsd != null
          && (dailySoftUsd.signum() < 0 || dailySoftUsd.compareTo(dailyUsd) > 0)) {
        throw new IllegalArgumentException("dailySoftUsd must be between 0 and dailyUsd");
      }
    }
  }

  /**
   * The tenant's daily limits as the budget ledger keeps them (no token cap): {@code dailyUsd}, and
   * {@code dailySoftUsd} or else {@code softCapFraction} of it; null without a daily cap.
   */
  public BudgetLimits dailyLimits() {
    if (daily == null) return null;
    BigDecimal soft =
        daily.dailySoftUsd() != null
            ? daily.dailySoftUsd()
            : daily.dailyUsd().multiply(softCapFraction).stripTrailingZeros();
    return new BudgetLimits(daily.dailyUsd(), soft, 0);
  }

  /**
   * Tier routing.
   *
   * @param max the most capable tier any step may use
   * @param largeContextTokens a context at least this large needs at least sonnet
   * @param triage base tier of a triage step
   * @param retrieve base tier of a retrieve step
   * @param extract base tier of an extract step
   * @param synthesize base tier of a synthesize step
   * @param critique base tier of a critique step
   * @param plan base tier of a plan step
   */
  public record Tiers(
      Tier max,
      long largeContextTokens,
      Tier triage,
      Tier retrieve,
      Tier extract,
      Tier synthesize,
      Tier critique,
      Tier plan) {
    public Tiers {
      Objects.requireNonNull(max, "max");
      Objects.requireNonNull(triage, "triage");
      Objects.requireNonNull(retrieve, "retrieve");
      Objects.requireNonNull(extract, "extract");
      Objects.requireNonNull(synthesize, "synthesize");
      Objects.requireNonNull(critique, "critique");
      Objects.requireNonNull(plan, "plan");
    }

    /** The base tier of {@code kind}. */
    public Tier of(StepKind kind) {
      return switch (kind) {
        case TRIAGE -> triage;
        case RETRIEVE -> retrieve;
        case EXTRACT -> extract;
        case SYNTHESIZE -> synthesize;
        case CRITIQUE -> critique;
        case PLAN -> plan;
      };
    }
  }

  /**
   * When a person must approve a step.
   *
   * @param usdThreshold a step expected to cost at least this much needs approval
   * @param riskThreshold a step whose risk score is at least this needs approval
   */
  public record Approval(BigDecimal usdThreshold, BigDecimal riskThreshold) {
    public Approval {
      Objects.requireNonNull(usdThreshold, "usdThreshold");
      Objects.requireNonNull(riskThreshold, "riskThreshold");
    }
  }

  /**
   * Delegation to vendor agent runtimes (rule (d) of BRIEF §8, plus which tiers the tenant has
   * deployed there, rule (a)).
   *
   * @param policyClasses goal-frame policy classes whose work may leave Maestro's runtime; empty:
   *     none
   * @param safetyMarginSeconds subtracted from a vendor's session ceiling before comparing the
   *     expected wall-clock time
   * @param agentcore the tiers the tenant's AgentCore Runtime serves; empty: not enabled
   * @param foundry the tiers the tenant's Foundry Agent Service serves; empty: not enabled
   */
  public record ExternalRuntimes(
      List<String> policyClasses,
      long safetyMarginSeconds,
      List<Tier> agentcore,
      List<Tier> foundry) {
    public ExternalRuntimes {
      policyClasses = List.copyOf(policyClasses);
      agentcore = List.copyOf(agentcore);
      foundry = List.copyOf(foundry);
    }
  }

  /**
   * The built-in policy for a tenant without a document: every tier up to opus, the soft cap at
   * 80%, the research tools, forks of at most 4, approval from $1 per step or risk 0.8, and no
   * delegation (sending work to a vendor runtime is opt-in).
   */
  public static PolicyDocument defaults(TenantId tenant) {
    return new PolicyDocument(
        FORMAT_VERSION,
        tenant,
        0,
        true,
        new Tiers(
            Tier.OPUS,
            100_000,
            Tier.HAIKU,
            Tier.HAIKU,
            Tier.HAIKU,
            Tier.SONNET,
            Tier.SONNET,
            Tier.SONNET),
        new BigDecimal("0.8"),
        List.of("field.recall", "fetch", "pubmed.search", "web.search"),
        List.of("web.search"),
        4,
        new Approval(new BigDecimal("1.00"), new BigDecimal("0.8")),
        new ExternalRuntimes(List.of(), 1800, List.of(), List.of()),
        30);
  }

  /**
   * Reads a policy document strictly: unknown fields, wrong types, nulls, out-of-range values,
   * duplicate names and inconsistent settings are all rejected.
   *
   * @throws InvalidInputException naming every offending field by its JSON pointer; nothing else
   */
  public static PolicyDocument parse(JsonNode document) {
    return new PolicyDocumentParser().parse(document);
  }

  /** Reads a policy document from JSON text; see {@link #parse(JsonNode)}. */
  public static PolicyDocument parse(String json) {
    return new PolicyDocumentParser().parse(json);
  }
}
