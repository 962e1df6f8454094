package dev.maestro.aws.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs an Amazon States Language definition in this process against Java functions, the way Step
 * Functions would run it against Lambda: Pass, Task ({@code arn:aws:states:::lambda:invoke}),
 * Choice, Wait, Succeed and Fail states; Parameters, ResultSelector, ResultPath, InputPath and
 * OutputPath; Retry with back-off and Catch; the execution timeout. It exists to run the tick's
 * definition locally ({@code maestro invoke aws tick}) and to show in tests that the definition and
 * the functions agree on every path. It is not Step Functions: there is no service here; Map and
 * Parallel states, intrinsic functions, JSONata and the service's quotas are not modelled, and a
 * definition that uses them is refused.
 */
public final class LocalStateMachine {

  /** The optimised Lambda integration, the only task resource this runner knows. */
  public static final String LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");
  private static final int MAX_TRANSITIONS = 10_000;

  /** Passes time for Wait states and retry intervals. */
  public interface Waiter {
    void waitUntil(Instant until);
  }

  /** One state's run, in the order they ran. */
  public record Step(
      String state, String type, Instant enteredAt, JsonNode input, JsonNode output) {}

  /** How an execution ended. */
  public record Execution(
      String status, JsonNode output, String error, String cause, List<Step> history) {

    public boolean succeeded() {
      return status.equals("SUCCEEDED");
    }

    /** The states entered, in order. */
    public List<String> path() {
      return history.stream().map(Step::state).toList();
    }
  }

  private final JsonNode definition;
  private final Map<String, Function<JsonNode, JsonNode>> functions;
  private final Clock clock;
  private final Waiter waiter;

  /**
   * @param definition the state machine, with {@code ${name}} placeholders already substituted
   * @param functions the functions Task states invoke, by their {@code FunctionName}
   */
  public LocalStateMachine(
      JsonNode definition,
      Map<String, Function<JsonNode, JsonNode>> functions,
      Clock clock,
      Waiter waiter) {
    this.definition = Objects.requireNonNull(definition, "definition");
    this.functions = Map.copyOf(functions);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.waiter = Objects.requireNonNull(waiter, "waiter");
    refuseUnsupported();
  }

  /** Reads a definition and substitutes {@code ${name}} placeholders as Terraform would. */
  public static JsonNode load(InputStream json, Map<String, String> placeholders) {
    try {
      String text = new String(json.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      Matcher m = PLACEHOLDER.matcher(text);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String value = placeholders.get(m.group(1));
        if (value == null)
          throw new IllegalArgumentException("no value for placeholder ${" + m.group(1) + "}");
        m.appendReplacement(out, Matcher.quoteReplacement(value));
      }
      m.appendTail(out);
      return Json.mapper().readTree(out.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The names of every state in the definition. */
  public List<String> stateNames() {
    var names = new ArrayList<String>();
    definition.path("States").fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** The definition this runner executes. */
  public JsonNode definition() {
    return definition;
  }

  /** Runs one execution on {@code input} to its end. */
  public Execution start(JsonNode input) {
    Instant startedAt = clock.instant();
    ObjectNode context = JsonNodeFactory.instance.objectNode();
    ObjectNode execution = context.putObject("Execution");
    execution.put("Id", "arn:aws:states:local:000000000000:express:tick:" + UUID.randomUUID());
    execution.set("Input", input);
    execution.put("StartTime", startedAt.toString());
    Duration timeout =
        definition.has("TimeoutSeconds")
            ? Duration.ofSeconds(definition.get("TimeoutSeconds").asLong())
            : null;

    var history = new ArrayList<Step>();
    String name = definition.path("StartAt").asText();
    JsonNode data = input;
    for (int transitions = 0; transitions < MAX_TRANSITIONS; transitions++) {
      JsonNode state = definition.path("States").get(name);
      if (state == null)
        return new Execution("FAILED", null, "States.Runtime", "no state " + name, history);
      Instant entered = clock.instant();
      if (timeout != null && entered.isAfter(startedAt.plus(timeout)))
        return new Execution(
            "TIMED_OUT", null, "States.Timeout", "execution exceeded " + timeout, history);
      ObjectNode stateContext = context.putObject("State");
      stateContext.put("Name", name);
      stateContext.put("EnteredTime", entered.toString());
      String type = state.path("Type").asText();
      JsonNode output;
      String next;
      try {
        switch (type) {
          case "Pass" -> {
            JsonNode effective = inputPath(state, data, context);
            JsonNode result =
                state.has("Parameters")
                    ? JsonPaths.template(state.get("Parameters"), effective, context)
                    : state.has("Result") ? state.get("Result") : effective;
            output = outputPath(state, resultPath(state, data, result), context);
            next = state.path("Next").asText(null);
          }
          case "Task" -> {
            Outcome outcome = task(state, data, context);
            output = outcome.output;
            next = outcome.next;
          }
          case "Choice" -> {
            JsonNode effective = inputPath(state, data, context);
            next = choose(state, effective, context);
            output = outputPath(state, effective, context);
          }
          case "Wait" -> {
            JsonNode effective = inputPath(state, data, context);
            waiter.waitUntil(waitUntil(state, effective, context, entered));
            output = outputPath(state, effective, context);
            next = state.path("Next").asText(null);
          }
          case "Succeed" -> {
            output = outputPath(state, inputPath(state, data, context), context);
            history.add(new Step(name, type, entered, data, output));
            return new Execution("SUCCEEDED", output, null, null, history);
          }
          case "Fail" -> {
            history.add(new Step(name, type, entered, data, null));
            return new Execution(
                "FAILED",
                null,
                state.path("Error").asText(null),
                state.path("Cause").asText(null),
                history);
          }
          default -> throw new StatesError("States.Runtime", "unsupported state type " + type);
        }
      } catch (StatesError e) {
        history.add(new Step(name, type, entered, data, null));
        return new Execution("FAILED", null, e.error(), e.cause(), history);
      }
      history.add(new Step(name, type, entered, data, output));
      if (state.path("End").asBoolean(false) || next == null)
        return new Execution("SUCCEEDED", output, null, null, history);
      name = next;
      data = output;
    }
    return new Execution(
        "FAILED", null, "States.Runtime", MAX_TRANSITIONS + " transitions without an end", history);
  }

  private record Outcome(JsonNode output, String next) {}

  private Outcome task(JsonNode state, JsonNode data, JsonNode context) {
    JsonNode effective = inputPath(state, data, context);
    int attempt = 0;
    var retriesUsed = new java.util.HashMap<Integer, Integer>();
    while (true) {
      try {
        JsonNode result = invoke(state, effective, context);
        if (state.has("ResultSelector"))
          result = JsonPaths.template(state.get("ResultSelector"), result, context);
        JsonNode output = outputPath(state, resultPath(state, data, result), context);
        return new Outcome(output, state.path("Next").asText(null));
      } catch (StatesError e) {
        attempt++;
        Duration delay = retryDelay(state.path("Retry"), e.error(), retriesUsed);
        if (delay != null) {
          waiter.waitUntil(clock.instant().plus(delay));
          continue;
        }
        for (JsonNode catcher : state.path("Catch")) {
          if (matches(catcher.path("ErrorEquals"), e.error())) {
            ObjectNode error = JsonNodeFactory.instance.objectNode();
            error.put("Error", e.error());
            error.put("Cause", e.cause());
            String path = catcher.has("ResultPath") ? catcher.get("ResultPath").asText() : "$";
            JsonNode output =
                catcher.has("ResultPath") && catcher.get("ResultPath").isNull()
                    ? data
                    : JsonPaths.write(path, data, error);
            return new Outcome(output, catcher.path("Next").asText());
          }
        }
        throw e;
      }
    }
  }

  private JsonNode invoke(JsonNode state, JsonNode input, JsonNode context) {
    String resource = state.path("Resource").asText();
    if (!resource.equals(LAMBDA_INVOKE))
      throw new StatesError("States.Runtime", "unsupported task resource " + resource);
    JsonNode parameters = JsonPaths.template(state.path("Parameters"), input, context);
    String functionName = parameters.path("FunctionName").asText();
    Function<JsonNode, JsonNode> function = functions.get(functionName);
    if (function == null)
      throw new StatesError("Lambda.ResourceNotFoundException", "no function " + functionName);
    JsonNode response;
    try {
      response = function.apply(parameters.path("Payload"));
    } catch (StatesError e) {
      throw e;
    } catch (RuntimeException e) {
      // As the Java runtime reports an unhandled exception: its class as errorType.
      ObjectNode cause = JsonNodeFactory.instance.objectNode();
      cause.put("errorMessage", String.valueOf(e.getMessage()));
      cause.put("errorType", e.getClass().getName());
      cause.putArray("stackTrace");
      throw new StatesError(e.getClass().getName(), cause.toString());
    }
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    result.put("ExecutedVersion", "$LATEST");
    result.set("Payload", response);
    result.put("StatusCode", 200);
    return result;
  }

  /** The delay before the next attempt, or null when no retrier allows one. */
  private static Duration retryDelay(JsonNode retriers, String error, Map<Integer, Integer> used) {
    for (int i = 0; i < retriers.size(); i++) {
      JsonNode retrier = retriers.get(i);
      if (!matches(retrier.path("ErrorEquals"), error)) continue;
      int max = retrier.path("MaxAttempts").asInt(3);
      int done = used.getOrDefault(i, 0);
      if (done >= max) return null;
      used.put(i, done + 1);
      double interval = retrier.path("IntervalSeconds").asDouble(1);
      double rate = retrier.path("BackoffRate").asDouble(2.0);
      long millis = (long) (interval * 1000 * Math.pow(rate, done));
      if (retrier.has("MaxDelaySeconds"))
        millis = Math.min(millis, retrier.get("MaxDelaySeconds").asLong() * 1000);
      return Duration.ofMillis(millis); // full jitter's upper bound: deterministic here
    }
    return null;
  }

  private static boolean matches(JsonNode errorEquals, String error) {
    for (JsonNode e : errorEquals) {
      String name = e.asText();
      if (name.equals(error)) return true;
      if (name.equals("States.ALL")) return true;
      if (name.equals("States.TaskFailed") && !error.equals("States.Timeout")) return true;
    }
    return false;
  }

  private String choose(JsonNode state, JsonNode input, JsonNode context) {
    for (JsonNode rule : state.path("Choices")) {
      if (rule(rule, input, context)) return rule.path("Next").asText();
    }
    if (state.has("Default")) return state.get("Default").asText();
    throw new StatesError("States.NoChoiceMatched", "no choice rule matched " + input);
  }

  private boolean rule(JsonNode rule, JsonNode input, JsonNode context) {
    if (rule.has("And")) {
      for (JsonNode r : rule.get("And")) if (!rule(r, input, context)) return false;
      return true;
    }
    if (rule.has("Or")) {
      for (JsonNode r : rule.get("Or")) if (rule(r, input, context)) return true;
      return false;
    }
    if (rule.has("Not")) return !rule(rule.get("Not"), input, context);
    String variable = rule.path("Variable").asText();
    var value = JsonPaths.read(variable, input, context);
    if (rule.has("IsPresent")) return value.isPresent() == rule.get("IsPresent").asBoolean();
    if (rule.has("IsNull"))
      return value.map(JsonNode::isNull).orElse(false) == rule.get("IsNull").asBoolean();
    JsonNode v =
        value.orElseThrow(
            () -> new StatesError("States.Runtime", "Invalid path '" + variable + "'"));
    if (rule.has("StringEquals"))
      return v.isTextual() && v.asText().equals(rule.get("StringEquals").asText());
    if (rule.has("BooleanEquals"))
      return v.isBoolean() && v.asBoolean() == rule.get("BooleanEquals").asBoolean();
    if (rule.has("NumericEquals"))
      return v.isNumber()
          && v.decimalValue().compareTo(new BigDecimal(rule.get("NumericEquals").asText())) == 0;
    if (rule.has("IsString")) return v.isTextual() == rule.get("IsString").asBoolean();
    throw new StatesError("States.Runtime", "unsupported choice rule " + rule);
  }

  private static Instant waitUntil(
      JsonNode state, JsonNode input, JsonNode context, Instant entered) {
    if (state.has("Seconds")) return entered.plusSeconds(state.get("Seconds").asLong());
    if (state.has("SecondsPath"))
      return entered.plusSeconds(
          JsonPaths.require(state.get("SecondsPath").asText(), input, context).asLong());
    String timestamp =
        state.has("Timestamp")
            ? state.get("Timestamp").asText()
            : JsonPaths.require(state.path("TimestampPath").asText(), input, context).asText();
    try {
      return Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      throw new StatesError("States.Runtime", "not an ISO-8601 timestamp: " + timestamp);
    }
  }

  private static JsonNode inputPath(JsonNode state, JsonNode data, JsonNode context) {
    if (!state.has("InputPath")) return data;
    if (state.get("InputPath").isNull()) return JsonNodeFactory.instance.objectNode();
    return JsonPaths.require(state.get("InputPath").asText(), data, context);
  }

  private static JsonNode outputPath(JsonNode state, JsonNode data, JsonNode context) {
    if (!state.has("OutputPath")) return data;
    if (state.get("OutputPath").isNull()) return JsonNodeFactory.instance.objectNode();
    return JsonPaths.require(state.get("OutputPath").asText(), data, context);
  }

  private static JsonNode resultPath(JsonNode state, JsonNode data, JsonNode result) {
    if (!state.has("ResultPath")) return result;
    if (state.get("ResultPath").isNull()) return data;
    return JsonPaths.write(state.get("ResultPath").asText(), data, result);
  }

  private void refuseUnsupported() {
    String language = definition.path("QueryLanguage").asText("JSONPath");
    if (!language.equals("JSONPath"))
      throw new IllegalArgumentException("only JSONPath definitions run locally, not " + language);
    definition
        .path("States")
        .properties()
        .forEach(
            e -> {
              String type = e.getValue().path("Type").asText();
              if (!List.of("Pass", "Task", "Choice", "Wait", "Succeed", "Fail").contains(type))
                throw new IllegalArgumentException(
                    "state " + e.getKey() + " is a " + type + " state, which does not run locally");
            });
  }
}
