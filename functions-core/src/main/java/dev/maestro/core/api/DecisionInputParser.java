package dev.maestro.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.budget.Budget;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.budget.Spend;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.InvalidInputException;
import dev.maestro.core.event.Runtime;
import dev.maestro.core.policy.Branch;
import dev.maestro.core.policy.DecisionInput;
import dev.maestro.core.policy.QualityCheck;
import dev.maestro.core.policy.StepKind;
import dev.maestro.core.policy.Tier;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns the JSON body of {@code POST /decide} into a {@link DecisionInput}, strictly, in the manner
 * of {@link GoalFrameParser}: every offending field is named by its JSON pointer in one {@link
 * InvalidInputException}. The tenant comes from the caller's token, never from the body; {@code
 * now} defaults to the server's clock. The limits are stated in the OpenAPI document ({@code
 * DecideRequest}); change both together.
 */
public final class DecisionInputParser {

  /** Most tools one step may request. */
  public static final int MAX_TOOLS = 64;

  /** Most sub-goals a fork may ask for (the tenant's policy usually allows fewer). */
  public static final int MAX_FORK = 1000;

  /** Largest token count or duration in seconds accepted. */
  public static final long MAX_COUNT = 1_000_000_000_000L;

  private static final Set<String> FIELDS =
      Set.of(
          "now",
          "status",
          "budget",
          "estimatedStepUsd",
          "stepKind",
          "contextTokens",
          "requiredDepth",
          "unhealthyTiers",
          "intent",
          "forkCount",
          "toolsRequested",
          "riskScore",
          "qualityCheck",
          "preferredRuntime",
          "policyClass",
          "expectedWallClockSeconds",
          "expectedIdleSeconds",
          "subtaskForksOrMerges",
          "subtaskSleepsMultiDay",
          "deadline",
          "killSwitch",
          "complianceFreeze",
          "tenantDisabled",
          "rateLimited");
  private static final Set<String> BUDGET_FIELDS = Set.of("limits", "spent");
  private static final Set<String> LIMIT_FIELDS = Set.of("maxUsd", "softUsd", "maxTokens");
  private static final Set<String> SPENT_FIELDS = Set.of("usd", "tokensIn", "tokensOut", "calls");
  private static final Pattern TOOL = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final BigDecimal MAX_USD = GoalFrameParser.MAX_USD;

  private DecisionInputParser() {}

  /**
   * The decision input {@code body} describes, for {@code tenant} at {@code defaultNow} unless the
   * body gives {@code now}.
   *
   * @throws InvalidInputException naming every invalid field; nothing else for any input
   */
  public static DecisionInput parse(JsonNode body, TenantId tenant, Instant defaultNow) {
    var v = new Violations();
    DecisionInput input = parse(body, tenant, defaultNow, v);
    v.throwIfAny();
    return input;
  }

  static DecisionInput parse(JsonNode body, TenantId tenant, Instant defaultNow, Violations v) {
    if (body == null) return null;
    if (!body.isObject()) {
      v.add("", "must be a JSON object");
      return null;
    }
    GoalFrameParser.unknownFields(body, "", FIELDS, v);
    Instant now = instant(body, "now", v);
    Status status = enumValue(body, "status", Status.class, Status::valueOf, true, v);
    Budget budget = budget(body, v);
    BigDecimal estimate = usd(body, "", "estimatedStepUsd", false, v);
    StepKind step = enumValue(body, "stepKind", StepKind.class, StepKind::fromWire, false, v);
    if (step == null && !body.has("stepKind")) v.add("/stepKind", "is required");
    Long context = count(body, "", "contextTokens", 0, MAX_COUNT, v);
    Long depth = count(body, "", "requiredDepth", 0, DecisionInput.MAX_DEPTH, v);
    Set<Tier> unhealthy = tiers(body, v);
    Branch intent = enumValue(body, "intent", Branch.class, Branch::fromWire, false, v);
    Long forkCount = count(body, "", "forkCount", 0, MAX_FORK, v);
    Branch effectiveIntent = intent == null ? Branch.CONTINUE : intent;
    if (forkCount != null) {
      if (effectiveIntent == Branch.FORK && forkCount < 1)
        v.add("/forkCount", "must be at least 1 when intent is fork");
      if (effectiveIntent != Branch.FORK && body.has("forkCount") && forkCount != 0)
        v.add("/forkCount", "is only allowed when intent is fork");
    } else if (effectiveIntent == Branch.FORK && !body.has("forkCount")) {
      v.add("/forkCount", "is required when intent is fork");
    }
    List<String> tools = tools(body, v);
    Double risk = fraction(body, "riskScore", v);
    QualityCheck quality =
        enumValue(body, "qualityCheck", QualityCheck.class, QualityCheck::fromWire, false, v);
    Runtime runtime =
        enumValue(body, "preferredRuntime", Runtime.class, Runtime::fromWire, false, v);
    String policyClass = GoalFrameParser.text(body, "policyClass", false, 64, v);
    if (policyClass != null && !NAME.matcher(policyClass).matches()) {
      v.add("/policyClass", "must match " + NAME.pattern());
    }
    Long wall = count(body, "", "expectedWallClockSeconds", 0, MAX_COUNT, v);
    Long idle = count(body, "", "expectedIdleSeconds", 0, MAX_COUNT, v);
    boolean forksOrMerges = flag(body, "subtaskForksOrMerges", v);
    boolean multiDay = flag(body, "subtaskSleepsMultiDay", v);
    Instant deadline = instant(body, "deadline", v);
    boolean kill = flag(body, "killSwitch", v);
    boolean freeze = flag(body, "complianceFreeze", v);
    boolean disabled = flag(body, "tenantDisabled", v);
    boolean rateLimited = flag(body, "rateLimited", v);
    if (!v.isEmpty()) return null;
    return new DecisionInput(
        tenant,
        now == null ? defaultNow : now,
        status == null ? Status.RUNNING : status,
        budget,
        estimate,
        step,
        context == null ? 0 : context,
        depth == null ? 0 : depth.intValue(),
        unhealthy,
        effectiveIntent,
        forkCount == null ? 0 : forkCount.intValue(),
        tools,
        risk == null ? 0 : risk,
        quality == null ? QualityCheck.NONE : quality,
        runtime == null ? Runtime.MAESTRO : runtime,
        policyClass == null ? GoalFrame.DEFAULT_POLICY_CLASS : policyClass,
        wall == null ? 0 : wall,
        idle == null ? 0 : idle,
        forksOrMerges,
        multiDay,
        deadline,
        kill,
        freeze,
        disabled,
        rateLimited);
  }

  private static Budget budget(JsonNode body, Violations v) {
    JsonNode node = body.get("budget");
    if (node == null) {
      v.add("/budget", "is required");
      return null;
    }
    if (!node.isObject()) {
      v.add("/budget", "must be a JSON object");
      return null;
    }
    GoalFrameParser.unknownFields(node, "/budget", BUDGET_FIELDS, v);
    JsonNode limits = node.get("limits");
    BudgetLimits parsedLimits = null;
    if (limits == null) {
      v.add("/budget/limits", "is required");
    } else if (!limits.isObject()) {
      v.add("/budget/limits", "must be a JSON object");
    } else {
      GoalFrameParser.unknownFields(limits, "/budget/limits", LIMIT_FIELDS, v);
      BigDecimal max = usd(limits, "/budget/limits", "maxUsd", true, v);
      BigDecimal soft = usd(limits, "/budget/limits", "softUsd", false, v);
      Long tokens = count(limits, "/budget/limits", "maxTokens", 0, MAX_COUNT, v);
      if (max != null && soft != null && soft.compareTo(max) > 0) {
        v.add("/budget/limits/softUsd", "must not exceed maxUsd");
      } else if (max != null && (soft != null || !limits.has("softUsd"))) {
        parsedLimits =
            soft == null
                ? BudgetLimits.ofUsd(max, tokens == null ? 0 : tokens)
                : new BudgetLimits(max, soft, tokens == null ? 0 : tokens);
      }
    }
    JsonNode spent = node.get("spent");
    Spend parsedSpend = Spend.ZERO;
    if (spent != null) {
      if (!spent.isObject()) {
        v.add("/budget/spent", "must be a JSON object");
        return null;
      }
      GoalFrameParser.unknownFields(spent, "/budget/spent", SPENT_FIELDS, v);
      BigDecimal usd = usd(spent, "/budget/spent", "usd", false, v);
      Long in = count(spent, "/budget/spent", "tokensIn", 0, MAX_COUNT, v);
      Long out = count(spent, "/budget/spent", "tokensOut", 0, MAX_COUNT, v);
      Long calls = count(spent, "/budget/spent", "calls", 0, MAX_COUNT, v);
      parsedSpend =
          new Spend(
              usd == null ? BigDecimal.ZERO : usd,
              in == null ? 0 : in,
              out == null ? 0 : out,
              calls == null ? 0 : calls);
    }
    return parsedLimits == null ? null : new Budget(parsedLimits, parsedSpend);
  }

  private static BigDecimal usd(
      JsonNode parent, String at, String field, boolean required, Violations v) {
    String pointer = Violations.pointer(at, field);
    JsonNode node = parent.get(field);
    if (node == null) {
      if (required) v.add(pointer, "is required");
      return null;
    }
    if (!node.isNumber()
        || node.decimalValue().signum() < 0
        || node.decimalValue().compareTo(MAX_USD) > 0) {
      v.add(pointer, "must be a number between 0 and " + MAX_USD.toPlainString());
      return null;
    }
    return node.decimalValue();
  }

  private static Long count(
      JsonNode parent, String at, String field, long min, long max, Violations v) {
    String pointer = Violations.pointer(at, field);
    JsonNode node = parent.get(field);
    if (node == null) return null;
    if (!node.isIntegralNumber()
        || !node.canConvertToLong()
        || node.longValue() < min
        || node.longValue() > max) {
      v.add(pointer, "must be an integer between " + min + " and " + max);
      return null;
    }
    return node.longValue();
  }

  private static Double fraction(JsonNode body, String field, Violations v) {
    JsonNode node = body.get(field);
    if (node == null) return null;
    if (!node.isNumber()
        || node.decimalValue().signum() < 0
        || node.decimalValue().compareTo(BigDecimal.ONE) > 0) {
      v.add("/" + field, "must be a number between 0 and 1");
      return null;
    }
    return node.doubleValue();
  }

  private static boolean flag(JsonNode body, String field, Violations v) {
    JsonNode node = body.get(field);
    if (node == null) return false;
    if (!node.isBoolean()) {
      v.add("/" + field, "must be true or false");
      return false;
    }
    return node.booleanValue();
  }

  private static Instant instant(JsonNode body, String field, Violations v) {
    String text = GoalFrameParser.text(body, field, false, 64, v);
    if (text == null) return null;
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      v.add("/" + field, "must be an ISO-8601 instant such as 2030-01-31T12:00:00Z");
      return null;
    }
  }

  private static <E extends Enum<E>> E enumValue(
      JsonNode body,
      String field,
      Class<E> type,
      Function<String, E> fromWire,
      boolean upperCase,
      Violations v) {
    JsonNode node = body.get(field);
    if (node == null) return null;
    if (node.isTextual()) {
      try {
        return fromWire.apply(node.textValue());
      } catch (IllegalArgumentException unknown) {
        // reported below
      }
    }
    v.add(
        "/" + field,
        "must be one of "
            + String.join(
                ", ",
                Arrays.stream(type.getEnumConstants())
                    .map(e -> upperCase ? e.name() : e.name().toLowerCase(Locale.ROOT))
                    .toList()));
    return null;
  }

  private static Set<Tier> tiers(JsonNode body, Violations v) {
    JsonNode node = body.get("unhealthyTiers");
    if (node == null) return Set.of();
    if (!node.isArray()) {
      v.add("/unhealthyTiers", "must be an array of tiers");
      return Set.of();
    }
    var tiers = EnumSet.noneOf(Tier.class);
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      Tier tier = null;
      if (item.isTextual()) {
        try {
          tier = Tier.fromWire(item.textValue());
        } catch (IllegalArgumentException unknown) {
          // reported below
        }
      }
      if (tier == null)
        v.add(Violations.pointer("/unhealthyTiers", i), "must be one of haiku, sonnet, opus");
      else tiers.add(tier);
    }
    return tiers;
  }

  private static List<String> tools(JsonNode body, Violations v) {
    JsonNode node = body.get("toolsRequested");
    if (node == null) return List.of();
    if (!node.isArray()) {
      v.add("/toolsRequested", "must be an array of tool names");
      return List.of();
    }
    if (node.size() > MAX_TOOLS) {
      v.add("/toolsRequested", "must have at most " + MAX_TOOLS + " items");
      return List.of();
    }
    var seen = new HashSet<String>();
    var tools = new ArrayList<String>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      String pointer = Violations.pointer("/toolsRequested", i);
      if (!item.isTextual() || !TOOL.matcher(item.textValue()).matches()) {
        v.add(pointer, "must match " + TOOL.pattern());
      } else if (!seen.add(item.textValue())) {
        v.add(pointer, "is listed twice");
      } else {
        tools.add(item.textValue());
      }
    }
    return tools;
  }
}
