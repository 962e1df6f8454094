package dev.maestro.core.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.InvalidInputException;
import dev.maestro.core.error.InvalidInputException.FieldError;
import dev.maestro.core.field.FieldPolicy;
import dev.maestro.core.field.FieldWeights;
import dev.maestro.core.json.Json;
import dev.maestro.core.security.pii.PatternGuard;
import dev.maestro.core.security.pii.Redactor;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The strict reader behind {@link PolicyDocument#parse}: collects every problem, each named by its
 * JSON pointer, before failing once. One instance per document.
 */
final class PolicyDocumentParser {

  static final int MAX_TOOLS = 64;
  static final int MAX_FORKS = 32;
  static final long MAX_CONTEXT_TOKENS = 10_000_000;
  static final long MAX_DEFER_SECONDS = 86_400;
  static final long MAX_MARGIN_SECONDS = 8 * 3600;
  static final BigDecimal MAX_APPROVAL_USD = new BigDecimal("10000");
  static final BigDecimal MAX_DAILY_USD = new BigDecimal("1000000");
  static final BigDecimal MAX_FIELD_WEIGHT = new BigDecimal("100");
  static final BigDecimal MAX_FIELD_THRESHOLD = new BigDecimal("100");
  static final long MAX_HALF_LIFE_SECONDS = 10L * 366 * 86_400;
  static final long MAX_FIELD_TTL_SECONDS = 86_400;

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final Pattern TOOL = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final Set<String> FIELDS =
      Set.of(
          "version",
          "tenant",
          "revision",
          "enabled",
          "tiers",
          "softCapFraction",
          "allowedTools",
          "costlyTools",
          "maxForks",
          "approval",
          "externalRuntimes",
          "deferSeconds",
          "daily",
          "field",
          "pii",
          "freeze",
          "rateLimit");
  private static final Set<String> TIER_FIELDS =
      Set.of(
          "max",
          "largeContextTokens",
          "triage",
          "retrieve",
          "extract",
          "synthesize",
          "critique",
          "plan");
  private static final Set<String> FIELD_FIELDS =
      Set.of(
          "weights",
          "recencyHalfLifeSeconds",
          "minScore",
          "mmrFloor",
          "maxSimilarity",
          "ttlSeconds");
  private static final List<String> WEIGHT_FIELDS =
      List.of("rel", "sem", "lex", "rec", "trust", "red");
  private static final Set<String> PII_FIELDS = Set.of("enabled", "patterns", "replacement");
  private static final Set<String> PII_PATTERN_FIELDS = Set.of("name", "regex");
  private static final Set<String> FREEZE_FIELDS = Set.of("active", "reason", "since");
  private static final Set<String> RATE_FIELDS = Set.of("requestsPerSecond", "burst");
  static final int MAX_PII_PATTERNS = 32;
  static final int MAX_REPLACEMENT_CHARS = 64;
  static final int MAX_REASON_CHARS = 500;
  static final BigDecimal MAX_REQUESTS_PER_SECOND = new BigDecimal("100000");
  static final long MAX_BURST = 1_000_000;
  private static final Set<String> DAILY_FIELDS = Set.of("dailyUsd", "dailySoftUsd");
  private static final Set<String> APPROVAL_FIELDS = Set.of("usdThreshold", "riskThreshold");
  private static final Set<String> RUNTIME_FIELDS =
      Set.of("policyClasses", "safetyMarginSeconds", "agentcore", "foundry");
  private final List<FieldError> errors = new ArrayList<>();

  PolicyDocument parse(String json) {
    return parse(Json.readDocument(json));
  }

  PolicyDocument parse(JsonNode doc) {
    if (doc == null || !doc.isObject()) throw InvalidInputException.of("", "must be a JSON object");
    unknown(doc, "", FIELDS);
    Long version = integer(doc, "", "version", 1, Integer.MAX_VALUE);
    if (version != null && version != PolicyDocument.FORMAT_VERSION)
      add("/version", "unsupported version " + version + "; this reader knows version 1");
    TenantId tenant = tenant(doc);
    Long revision = integer(doc, "", "revision", 0, Long.MAX_VALUE);
    Boolean enabled = bool(doc, "", "enabled");
    PolicyDocument.Tiers tiers = tiers(doc);
    BigDecimal softCap = decimal(doc, "", "softCapFraction", BigDecimal.ZERO, BigDecimal.ONE);
    if (softCap != null && softCap.signum() == 0)
      add("/softCapFraction", "must be greater than 0 and at most 1");
    List<String> allowed = names(doc, "", "allowedTools", TOOL, MAX_TOOLS);
    List<String> costly = names(doc, "", "costlyTools", TOOL, MAX_TOOLS);
    if (allowed != null && costly != null) {
      for (int i = 0; i < costly.size(); i++) {
        if (!allowed.contains(costly.get(i)))
          add("/costlyTools/" + i, "must also be listed in /allowedTools");
      }
    }
    Long maxForks = integer(doc, "", "maxForks", 1, MAX_FORKS);
    PolicyDocument.Approval approval = approval(doc);
    PolicyDocument.ExternalRuntimes runtimes = runtimes(doc, tiers);
    Long defer = integer(doc, "", "deferSeconds", 1, MAX_DEFER_SECONDS);
    PolicyDocument.Daily daily = daily(doc);
    FieldPolicy field = field(doc);
    PolicyDocument.Pii pii = pii(doc);
    PolicyDocument.Freeze freeze = freeze(doc);
    PolicyDocument.RateLimit rateLimit = rateLimit(doc);
    if (!errors.isEmpty()) throw new InvalidInputException(errors);
    return new PolicyDocument(
        version.intValue(),
        tenant,
        revision,
        enabled,
        tiers,
        softCap,
        allowed,
        costly,
        maxForks.intValue(),
        approval,
        runtimes,
        defer,
        daily,
        field,
        pii,
        freeze,
        rateLimit);
  }

  /**
   * The optional PII section: {@code enabled} is required; {@code patterns} (each a name and a
   * regex that passes {@link PatternGuard}) and {@code replacement} are optional.
   */
  private PolicyDocument.Pii pii(JsonNode doc) {
    if (!doc.has("pii")) return null;
    JsonNode node = object(doc, "", "pii");
    if (node == null) return null;
    String at = "/pii";
    unknown(node, at, PII_FIELDS);
    Boolean enabled = bool(node, at, "enabled");
    var patterns = new ArrayList<PolicyDocument.PiiPattern>();
    boolean complete = enabled != null;
    if (node.has("patterns")) {
      JsonNode list = node.get("patterns");
      if (!list.isArray()) {
        add(at + "/patterns", "must be an array of {name, regex}");
        complete = false;
      } else if (list.size() > MAX_PII_PATTERNS) {
        add(at + "/patterns", "must have at most " + MAX_PII_PATTERNS + " items");
        complete = false;
      } else {
        var names = new HashSet<String>();
        for (int i = 0; i < list.size(); i++) {
          String item = at + "/patterns/" + i;
          JsonNode p = list.get(i);
          if (!p.isObject()) {
            add(item, "must be a JSON object");
            complete = false;
            continue;
          }
          unknown(p, item, PII_PATTERN_FIELDS);
          String name = text(p, item, "name", 64);
          String regex = text(p, item, "regex", PatternGuard.MAX_REGEX_CHARS);
          if (name != null && !NAME.matcher(name).matches()) {
            add(item + "/name", "must match " + NAME.pattern());
            name = null;
          } else if (name != null && !names.add(name)) {
            add(item + "/name", "is listed twice");
            name = null;
          }
          if (name == null || regex == null) complete = false;
          else patterns.add(new PolicyDocument.PiiPattern(name, regex));
        }
      }
    }
    String replacement = null;
    if (node.has("replacement")) {
      replacement = text(node, at, "replacement", MAX_REPLACEMENT_CHARS);
      if (replacement == null) complete = false;
    }
    if (!complete) return null;
    var problems = Redactor.problems(patterns, replacement);
    if (!problems.isEmpty()) {
      problems.forEach((pointer, detail) -> add(at + pointer, detail));
      return null;
    }
    return new PolicyDocument.Pii(enabled, patterns, replacement);
  }

  /** The optional freeze section: {@code active} and {@code reason} required, {@code since} not. */
  private PolicyDocument.Freeze freeze(JsonNode doc) {
    if (!doc.has("freeze")) return null;
    JsonNode node = object(doc, "", "freeze");
    if (node == null) return null;
    String at = "/freeze";
    unknown(node, at, FREEZE_FIELDS);
    Boolean active = bool(node, at, "active");
    String reason = text(node, at, "reason", MAX_REASON_CHARS);
    Instant since = null;
    if (node.has("since")) {
      String text = text(node, at, "since", 64);
      if (text != null) {
        try {
          since = Instant.parse(text);
        } catch (DateTimeParseException e) {
          add(at + "/since", "must be an RFC 3339 UTC timestamp, e.g. 2026-01-31T12:00:00Z");
          return null;
        }
      } else {
        return null;
      }
    }
    return active == null || reason == null
        ? null
        : new PolicyDocument.Freeze(active, reason, since);
  }

  /** The optional rate limit: both {@code requestsPerSecond} and {@code burst} required. */
  private PolicyDocument.RateLimit rateLimit(JsonNode doc) {
    if (!doc.has("rateLimit")) return null;
    JsonNode node = object(doc, "", "rateLimit");
    if (node == null) return null;
    String at = "/rateLimit";
    unknown(node, at, RATE_FIELDS);
    BigDecimal rate =
        decimal(node, at, "requestsPerSecond", BigDecimal.ZERO, MAX_REQUESTS_PER_SECOND);
    if (rate != null && rate.signum() == 0) {
      add(at + "/requestsPerSecond", "must be greater than 0");
      rate = null;
    }
    Long burst = integer(node, at, "burst", 1, MAX_BURST);
    return rate == null || burst == null
        ? null
        : new PolicyDocument.RateLimit(rate, burst.intValue());
  }

  /** A required non-blank string of at most {@code max} characters. */
  private String text(JsonNode parent, String at, String field, int max) {
    JsonNode node = required(parent, at, field);
    if (node == null) return null;
    if (!node.isTextual() || node.textValue().isBlank() || node.textValue().length() > max) {
      add(at + "/" + field, "must be a non-blank string of at most " + max + " characters");
      return null;
    }
    return node.textValue();
  }

  private TenantId tenant(JsonNode doc) {
    JsonNode node = required(doc, "", "tenant");
    if (node == null) return null;
    if (!node.isTextual() || !TenantId.isValid(node.textValue())) {
      add("/tenant", "must be a tenant id (lower-case letters, digits, '-' and '_', 1-63 chars)");
      return null;
    }
    return TenantId.of(node.textValue());
  }

  private PolicyDocument.Tiers tiers(JsonNode doc) {
    JsonNode node = object(doc, "", "tiers");
    if (node == null) return null;
    unknown(node, "/tiers", TIER_FIELDS);
    Tier max = tier(node, "/tiers", "max");
    Long large = integer(node, "/tiers", "largeContextTokens", 1, MAX_CONTEXT_TOKENS);
    Tier[] byStep = new Tier[StepKind.values().length];
    boolean complete = max != null && large != null;
    for (StepKind kind : StepKind.values()) {
      Tier t = tier(node, "/tiers", kind.wire());
      if (t != null && max != null && t.above(max))
        add("/tiers/" + kind.wire(), "must not be above /tiers/max (" + max.wire() + ")");
      byStep[kind.ordinal()] = t;
      complete &= t != null;
    }
    if (!complete) return null;
    return new PolicyDocument.Tiers(
        max,
        large,
        byStep[StepKind.TRIAGE.ordinal()],
        byStep[StepKind.RETRIEVE.ordinal()],
        byStep[StepKind.EXTRACT.ordinal()],
        byStep[StepKind.SYNTHESIZE.ordinal()],
        byStep[StepKind.CRITIQUE.ordinal()],
        byStep[StepKind.PLAN.ordinal()]);
  }

  private PolicyDocument.Approval approval(JsonNode doc) {
    JsonNode node = object(doc, "", "approval");
    if (node == null) return null;
    unknown(node, "/approval", APPROVAL_FIELDS);
    BigDecimal usd = decimal(node, "/approval", "usdThreshold", BigDecimal.ZERO, MAX_APPROVAL_USD);
    if (usd != null && usd.signum() == 0)
      add("/approval/usdThreshold", "must be greater than 0 (use a large value to never ask)");
    BigDecimal risk = decimal(node, "/approval", "riskThreshold", BigDecimal.ZERO, BigDecimal.ONE);
    if (risk != null && risk.signum() == 0)
      add("/approval/riskThreshold", "must be greater than 0 and at most 1");
    return usd == null || risk == null ? null : new PolicyDocument.Approval(usd, risk);
  }

  /** The optional daily cap: absent means none; present, {@code dailyUsd} is required. */
  private PolicyDocument.Daily daily(JsonNode doc) {
    if (!doc.has("daily")) return null;
    JsonNode node = object(doc, "", "daily");
    if (node == null) return null;
    unknown(node, "/daily", DAILY_FIELDS);
    BigDecimal cap = decimal(node, "/daily", "dailyUsd", BigDecimal.ZERO, MAX_DAILY_USD);
    BigDecimal soft = null;
    if (node.has("dailySoftUsd")) {
      soft = decimal(node, "/daily", "dailySoftUsd", BigDecimal.ZERO, MAX_DAILY_USD);
      if (soft != null && cap != null && soft.compareTo(cap) > 0) {
        add("/daily/dailySoftUsd", "must not be above /daily/dailyUsd");
        soft = null;
      }
    }
    return cap == null ? null : new PolicyDocument.Daily(cap, soft);
  }

  /**
   * The optional context field section: absent means the defaults; present, every property is
   * required (a tenant that tunes its field states the whole configuration).
   */
  private FieldPolicy field(JsonNode doc) {
    if (!doc.has("field")) return null;
    JsonNode node = object(doc, "", "field");
    if (node == null) return null;
    String at = "/field";
    unknown(node, at, FIELD_FIELDS);
    FieldWeights weights = fieldWeights(node);
    Long halfLife = integer(node, at, "recencyHalfLifeSeconds", 1, MAX_HALF_LIFE_SECONDS);
    BigDecimal minScore =
        decimal(node, at, "minScore", MAX_FIELD_THRESHOLD.negate(), MAX_FIELD_THRESHOLD);
    BigDecimal mmrFloor =
        decimal(node, at, "mmrFloor", MAX_FIELD_THRESHOLD.negate(), MAX_FIELD_THRESHOLD);
    BigDecimal maxSimilarity = decimal(node, at, "maxSimilarity", BigDecimal.ZERO, BigDecimal.ONE);
    if (maxSimilarity != null && maxSimilarity.signum() == 0) {
      add(at + "/maxSimilarity", "must be greater than 0 and at most 1");
      maxSimilarity = null;
    }
    Long ttl = integer(node, at, "ttlSeconds", 1, MAX_FIELD_TTL_SECONDS);
    if (weights == null
        || halfLife == null
        || minScore == null
        || mmrFloor == null
        || maxSimilarity == null
        || ttl == null) return null;
    return new FieldPolicy(
        weights,
        halfLife,
        minScore.doubleValue(),
        mmrFloor.doubleValue(),
        maxSimilarity.doubleValue(),
        ttl);
  }

  /** The score function's six weights, each in 0..100, at least one positive term above 0. */
  private FieldWeights fieldWeights(JsonNode field) {
    JsonNode node = object(field, "/field", "weights");
    if (node == null) return null;
    String at = "/field/weights";
    unknown(node, at, Set.copyOf(WEIGHT_FIELDS));
    double[] w = new double[WEIGHT_FIELDS.size()];
    boolean complete = true;
    for (int i = 0; i < w.length; i++) {
      BigDecimal v = decimal(node, at, WEIGHT_FIELDS.get(i), BigDecimal.ZERO, MAX_FIELD_WEIGHT);
      if (v == null) complete = false;
      else w[i] = v.doubleValue();
    }
    if (!complete) return null;
    if (w[0] + w[1] + w[2] + w[3] + w[4] == 0) {
      add(at, "at least one of rel, sem, lex, rec, trust must be greater than 0");
      return null;
    }
    return new FieldWeights(w[0], w[1], w[2], w[3], w[4], w[5]);
  }

  private PolicyDocument.ExternalRuntimes runtimes(JsonNode doc, PolicyDocument.Tiers tiers) {
    JsonNode node = object(doc, "", "externalRuntimes");
    if (node == null) return null;
    String at = "/externalRuntimes";
    unknown(node, at, RUNTIME_FIELDS);
    List<String> classes = names(node, at, "policyClasses", NAME, MAX_TOOLS);
    Long margin = integer(node, at, "safetyMarginSeconds", 0, MAX_MARGIN_SECONDS);
    List<Tier> agentcore = tierList(node, at, "agentcore");
    List<Tier> foundry = tierList(node, at, "foundry");
    if (classes == null || margin == null || agentcore == null || foundry == null) return null;
    return new PolicyDocument.ExternalRuntimes(classes, margin, agentcore, foundry);
  }

  // ---- field readers: each reports its own problem and returns null ----

  private JsonNode required(JsonNode parent, String at, String field) {
    JsonNode node = parent.get(field);
    if (node == null) add(at + "/" + field, "is required");
    else if (node.isNull()) {
      add(at + "/" + field, "must not be null");
      return null;
    }
    return node;
  }

  private JsonNode object(JsonNode parent, String at, String field) {
    JsonNode node = required(parent, at, field);
    if (node != null && !node.isObject()) {
      add(at + "/" + field, "must be a JSON object");
      return null;
    }
    return node;
  }

  private Long integer(JsonNode parent, String at, String field, long min, long max) {
    JsonNode node = required(parent, at, field);
    if (node == null) return null;
    if (!node.isIntegralNumber()
        || !node.canConvertToLong()
        || node.longValue() < min
        || node.longValue() > max) {
      add(at + "/" + field, "must be an integer between " + min + " and " + max);
      return null;
    }
    return node.longValue();
  }

  private Boolean bool(JsonNode parent, String at, String field) {
    JsonNode node = required(parent, at, field);
    if (node == null) return null;
    if (!node.isBoolean()) {
      add(at + "/" + field, "must be true or false");
      return null;
    }
    return node.booleanValue();
  }

  private BigDecimal decimal(
      JsonNode parent, String at, String field, BigDecimal min, BigDecimal max) {
    JsonNode node = required(parent, at, field);
    if (node == null) return null;
    if (!node.isNumber()
        || node.decimalValue().compareTo(min) < 0
        || node.decimalValue().compareTo(max) > 0) {
      add(at + "/" + field, "must be a number between " + min + " and " + max.toPlainString());
      return null;
    }
    return node.decimalValue();
  }

  private Tier tier(JsonNode parent, String at, String field) {
    JsonNode node = required(parent, at, field);
    if (node == null) return null;
    Tier tier = tierValue(node);
    if (tier == null) add(at + "/" + field, "must be one of haiku, sonnet, opus");
    return tier;
  }

  private static Tier tierValue(JsonNode node) {
    if (!node.isTextual()) return null;
    for (Tier t : Tier.values()) if (t.wire().equals(node.textValue())) return t;
    return null;
  }

  private List<Tier> tierList(JsonNode parent, String at, String field) {
    JsonNode node = required(parent, at, field);
    String pointer = at + "/" + field;
    if (node == null) return null;
    if (!node.isArray()) {
      add(pointer, "must be an array of tiers");
      return null;
    }
    var seen = new HashSet<Tier>();
    var tiers = new ArrayList<Tier>();
    for (int i = 0; i < node.size(); i++) {
      Tier t = tierValue(node.get(i));
      if (t == null) add(pointer + "/" + i, "must be one of haiku, sonnet, opus");
      else if (!seen.add(t)) add(pointer + "/" + i, "is listed twice");
      else tiers.add(t);
    }
    return tiers.size() == node.size() ? tiers : null;
  }

  private List<String> names(JsonNode parent, String at, String field, Pattern pattern, int max) {
    JsonNode node = required(parent, at, field);
    String pointer = at + "/" + field;
    if (node == null) return null;
    if (!node.isArray()) {
      add(pointer, "must be an array of names");
      return null;
    }
    if (node.size() > max) {
      add(pointer, "must have at most " + max + " items");
      return null;
    }
    var seen = new HashSet<String>();
    var names = new ArrayList<String>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      if (!item.isTextual() || !pattern.matcher(item.textValue()).matches())
        add(pointer + "/" + i, "must match " + pattern.pattern());
      else if (!seen.add(item.textValue())) add(pointer + "/" + i, "is listed twice");
      else names.add(item.textValue());
    }
    return names.size() == node.size() ? names : null;
  }

  private void unknown(JsonNode object, String at, Set<String> known) {
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name))
        add(at + "/" + name.replace("~", "~0").replace("/", "~1"), "unknown field");
    }
  }

  private void add(String pointer, String detail) {
    errors.add(new FieldError(pointer, detail));
  }
}
