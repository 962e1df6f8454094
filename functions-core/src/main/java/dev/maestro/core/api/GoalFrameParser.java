package dev.maestro.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.error.InvalidInputException;
import dev.maestro.core.tick.Recipes;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the JSON body of {@code POST /continuations} into a {@link GoalFrame}, strictly: unknown
 * fields, wrong types, explicit nulls and out-of-range values are all rejected, and every offending
 * field is reported (as a JSON pointer) in one {@link InvalidInputException}. The limits below are
 * documented in the OpenAPI document ({@code openapi/maestro-api.json}); change both together.
 */
public final class GoalFrameParser {

  /** Longest objective, in characters (code points). */
  public static final int MAX_OBJECTIVE_CHARS = 4000;

  /** Longest audience, list item or kill reason, in characters (code points). */
  public static final int MAX_TEXT_CHARS = 1000;

  /** Most items in {@code constraints} or {@code successCriteria}. */
  public static final int MAX_LIST_ITEMS = 50;

  /** The hard cap a single continuation may be given, in US dollars. */
  public static final BigDecimal MAX_USD = new BigDecimal("10000");

  /** Dollar amounts are accepted to the micro-dollar. */
  public static final int MAX_USD_SCALE = 6;

  /** Largest {@code budget.maxTokens}. */
  public static final long MAX_TOKENS = 1_000_000_000_000L;

  /** The context channels a goal frame may name (BRIEF §10, stage-1 recall). */
  public static final Set<String> CHANNELS =
      Set.of("semantic", "structured", "episodic", "graph", "stream", "human");

  private static final Set<String> FIELDS =
      Set.of(
          "objective",
          "audience",
          "deliverableSchema",
          "constraints",
          "channels",
          "budget",
          "deadline",
          "successCriteria",
          "policyClass",
          "region",
          "recipe",
          "parameters");
  private static final Set<String> BUDGET_FIELDS = Set.of("maxUsd", "softUsd", "maxTokens");
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final BigDecimal SOFT_SHARE = new BigDecimal("0.8");

  private final Recipes recipes;

  /** A parser accepting the recipes in {@code recipes}. */
  public GoalFrameParser(Recipes recipes) {
    this.recipes = Objects.requireNonNull(recipes, "recipes");
  }

  /**
   * The goal frame {@code body} describes.
   *
   * @throws InvalidInputException naming every invalid field; nothing else for any input
   */
  public GoalFrame parse(JsonNode body) {
    if (body == null) throw InvalidInputException.of("", "a JSON object is required");
    var v = new Violations();
    GoalFrame goal = parse(body, v);
    v.throwIfAny();
    return goal;
  }

  /** Parses into {@code v}; returns null when anything was wrong. */
  GoalFrame parse(JsonNode body, Violations v) {
    if (body == null) return null; // unreadable: already reported by whoever parsed it
    if (!body.isObject()) {
      v.add("", "must be a JSON object");
      return null;
    }
    unknownFields(body, "", FIELDS, v);

    String objective = text(body, "objective", true, MAX_OBJECTIVE_CHARS, v);
    if (objective != null && objective.isBlank()) v.add("/objective", "must not be blank");
    String audience = text(body, "audience", false, MAX_TEXT_CHARS, v);
    JsonNode deliverableSchema = object(body, "deliverableSchema", v);
    List<String> constraints = textList(body, "constraints", v);
    List<String> channels = channels(body, v);
    BudgetLimits budget = budget(body, v);
    Instant deadline = deadline(body, v);
    List<String> successCriteria = textList(body, "successCriteria", v);
    String policyClass = name(body, "policyClass", v);
    String region = name(body, "region", v);
    String recipe = recipe(body, v);
    JsonNode parameters = object(body, "parameters", v);
    if (parameters != null && recipe != null) recipeParameters(recipe, parameters, v);

    if (!v.isEmpty()) return null;
    return new GoalFrame(
        objective,
        audience,
        deliverableSchema,
        constraints,
        channels,
        budget,
        deadline,
        successCriteria,
        policyClass,
        region,
        recipe,
        parameters);
  }

  static void unknownFields(JsonNode object, String pointer, Set<String> known, Violations v) {
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) v.add(Violations.pointer(pointer, name), "unknown field");
    }
  }

  /** A string field; absent -> null (or an error when required). */
  static String text(JsonNode parent, String field, boolean required, int maxChars, Violations v) {
    return text(parent, "", field, required, maxChars, v);
  }

  static String text(
      JsonNode parent,
      String parentPointer,
      String field,
      boolean required,
      int maxChars,
      Violations v) {
    String pointer = Violations.pointer(parentPointer, field);
    JsonNode node = parent.get(field);
    if (node == null) {
      if (required) v.add(pointer, "is required");
      return null;
    }
    if (!node.isTextual()) {
      v.add(pointer, "must be a string");
      return null;
    }
    String value = node.textValue();
    if (value.codePointCount(0, value.length()) > maxChars) {
      v.add(pointer, "must be at most " + maxChars + " characters");
      return null;
    }
    return value;
  }

  private static JsonNode object(JsonNode body, String field, Violations v) {
    JsonNode node = body.get(field);
    if (node == null) return null;
    if (!node.isObject()) {
      v.add("/" + field, "must be a JSON object");
      return null;
    }
    return node;
  }

  /** An array of non-blank strings, at most {@value #MAX_LIST_ITEMS} of them. */
  private static List<String> textList(JsonNode body, String field, Violations v) {
    JsonNode node = body.get(field);
    String pointer = "/" + field;
    if (node == null) return null;
    if (!node.isArray()) {
      v.add(pointer, "must be an array of strings");
      return null;
    }
    if (node.size() > MAX_LIST_ITEMS) {
      v.add(pointer, "must have at most " + MAX_LIST_ITEMS + " items");
      return null;
    }
    var items = new ArrayList<String>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      String itemPointer = Violations.pointer(pointer, i);
      if (!item.isTextual()) {
        v.add(itemPointer, "must be a string");
      } else if (item.textValue().isBlank()) {
        v.add(itemPointer, "must not be blank");
      } else if (item.textValue().codePointCount(0, item.textValue().length()) > MAX_TEXT_CHARS) {
        v.add(itemPointer, "must be at most " + MAX_TEXT_CHARS + " characters");
      } else {
        items.add(item.textValue());
      }
    }
    return items;
  }

  private static List<String> channels(JsonNode body, Violations v) {
    JsonNode node = body.get("channels");
    if (node == null) return null;
    if (!node.isArray()) {
      v.add("/channels", "must be an array of channel names");
      return null;
    }
    var seen = new HashSet<String>();
    var items = new ArrayList<String>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      String pointer = Violations.pointer("/channels", i);
      if (!item.isTextual() || !CHANNELS.contains(item.textValue())) {
        v.add(pointer, "must be one of " + sorted(CHANNELS));
      } else if (!seen.add(item.textValue())) {
        v.add(pointer, "is listed twice");
      } else {
        items.add(item.textValue());
      }
    }
    return items;
  }

  private static BudgetLimits budget(JsonNode body, Violations v) {
    JsonNode node = body.get("budget");
    if (node == null) {
      v.add("/budget", "is required");
      return null;
    }
    return budget(node, "/budget", v);
  }

  /**
   * The budget object {@code node} at {@code pointer} ({@code maxUsd} required, {@code softUsd}
   * defaulting to 80% of it, {@code maxTokens} to 0); null when anything was wrong.
   */
  static BudgetLimits budget(JsonNode node, String pointer, Violations v) {
    if (!node.isObject()) {
      v.add(pointer, "must be a JSON object");
      return null;
    }
    unknownFields(node, pointer, BUDGET_FIELDS, v);
    BigDecimal max = usd(node, pointer, "maxUsd", true, MAX_USD, v);
    BigDecimal soft = usd(node, pointer, "softUsd", false, MAX_USD, v);
    if (max != null && soft != null && soft.compareTo(max) > 0) {
      v.add(pointer + "/softUsd", "must not exceed maxUsd");
      return null;
    }
    Long maxTokens = maxTokens(node, pointer, v);
    if (max == null
        || (node.has("softUsd") && soft == null)
        || (node.has("maxTokens") && maxTokens == null)) {
      return null;
    }
    long tokens = maxTokens == null ? 0 : maxTokens;
    if (soft == null) {
      soft =
          max.multiply(SOFT_SHARE).setScale(MAX_USD_SCALE, RoundingMode.DOWN).stripTrailingZeros();
    }
    return new BudgetLimits(max, soft, tokens);
  }

  private static BigDecimal usd(
      JsonNode budget,
      String parent,
      String field,
      boolean required,
      BigDecimal cap,
      Violations v) {
    String pointer = parent + "/" + field;
    JsonNode node = budget.get(field);
    if (node == null) {
      if (required) v.add(pointer, "is required");
      return null;
    }
    if (!node.isNumber()) {
      v.add(pointer, "must be a number");
      return null;
    }
    BigDecimal value = node.decimalValue();
    if (value.signum() < 0 || value.compareTo(cap) > 0) {
      v.add(pointer, "must be between 0 and " + cap.toPlainString());
      return null;
    }
    value = value.stripTrailingZeros();
    if (value.scale() > MAX_USD_SCALE) {
      v.add(pointer, "must have at most " + MAX_USD_SCALE + " decimal places");
      return null;
    }
    return value.scale() < 0 ? value.setScale(0) : value;
  }

  private static Long maxTokens(JsonNode budget, String parent, Violations v) {
    JsonNode node = budget.get("maxTokens");
    if (node == null) return null;
    if (!node.isIntegralNumber()) {
      v.add(parent + "/maxTokens", "must be an integer");
      return null;
    }
    if (!node.canConvertToLong() || node.longValue() < 0 || node.longValue() > MAX_TOKENS) {
      v.add(parent + "/maxTokens", "must be between 0 and " + MAX_TOKENS);
      return null;
    }
    return node.longValue();
  }

  private static Instant deadline(JsonNode body, Violations v) {
    String text = text(body, "deadline", false, 64, v);
    if (text == null) return null;
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      v.add("/deadline", "must be an ISO-8601 instant such as 2030-01-31T12:00:00Z");
      return null;
    }
  }

  private static String name(JsonNode body, String field, Violations v) {
    String value = text(body, field, false, 64, v);
    if (value != null && !NAME.matcher(value).matches()) {
      v.add("/" + field, "must match " + NAME.pattern());
      return null;
    }
    return value;
  }

  private String recipe(JsonNode body, Violations v) {
    JsonNode node = body.get("recipe");
    if (node == null) return GoalFrame.DEFAULT_RECIPE;
    if (!node.isTextual() || recipes.find(node.textValue()).isEmpty()) {
      v.add("/recipe", "must be one of " + sorted(recipes.names()));
      return null;
    }
    return node.textValue();
  }

  /** The chosen recipe's own check of its parameters, each problem named by its pointer. */
  private void recipeParameters(String recipe, JsonNode parameters, Violations v) {
    recipes
        .find(recipe)
        .ifPresent(
            r ->
                r.parameterProblems(parameters)
                    .forEach(
                        (name, problem) ->
                            v.add(
                                name.isEmpty()
                                    ? "/parameters"
                                    : Violations.pointer("/parameters", name),
                                problem)));
  }

  static List<String> sorted(Set<String> names) {
    return names.stream().sorted().toList();
  }
}
