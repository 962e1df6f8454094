package dev.maestro.aws.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reference paths of the Amazon States Language: {@code $}, {@code $.a.b}, {@code $.a[0]} on
 * the state's input, {@code $$.x} on the context object. Queries with filters or wildcards, and
 * intrinsic functions, are out of scope and rejected rather than guessed at.
 */
final class JsonPaths {

  private JsonPaths() {}

  /** The value at {@code path}, or empty when the path leads nowhere. */
  static Optional<JsonNode> read(String path, JsonNode input, JsonNode context) {
    JsonNode node;
    List<Object> steps;
    if (path.startsWith("$$")) {
      node = context;
      steps = parse(path.substring(1));
    } else {
      node = input;
      steps = parse(path);
    }
    for (Object step : steps) {
      if (node == null) return Optional.empty();
      node = step instanceof Integer i ? node.get(i) : node.get((String) step);
    }
    return Optional.ofNullable(node);
  }

  /** Like {@link #read}, failing the way Step Functions does when the path leads nowhere. */
  static JsonNode require(String path, JsonNode input, JsonNode context) {
    return read(path, input, context)
        .orElseThrow(
            () ->
                new StatesError(
                    "States.Runtime",
                    "The JSONPath '" + path + "' could not be found in the input " + input));
  }

  /**
   * {@code input} with {@code value} placed at {@code path} (a ResultPath): {@code $} replaces the
   * whole input; missing objects on the way are created.
   */
  static JsonNode write(String path, JsonNode input, JsonNode value) {
    List<Object> steps = parse(path);
    if (steps.isEmpty()) return value;
    if (!input.isObject())
      throw new StatesError(
          "States.ResultPathMatchFailure", "cannot apply ResultPath " + path + " to " + input);
    ObjectNode root = ((ObjectNode) input).deepCopy();
    ObjectNode node = root;
    for (int i = 0; i < steps.size() - 1; i++) {
      if (!(steps.get(i) instanceof String name))
        throw new StatesError("States.ResultPathMatchFailure", "array index in ResultPath " + path);
      JsonNode next = node.get(name);
      if (next == null || !next.isObject()) {
        next = JsonNodeFactory.instance.objectNode();
        node.set(name, next);
      }
      node = (ObjectNode) next;
    }
    if (!(steps.getLast() instanceof String last))
      throw new StatesError("States.ResultPathMatchFailure", "array index in ResultPath " + path);
    node.set(last, value);
    return root;
  }

  /** Evaluates a payload template: keys ending in {@code .$} take the value at their path. */
  static JsonNode template(JsonNode template, JsonNode input, JsonNode context) {
    if (template.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (Map.Entry<String, JsonNode> field : template.properties()) {
        String key = field.getKey();
        if (key.endsWith(".$")) {
          String path = field.getValue().asText();
          if (!path.startsWith("$"))
            throw new StatesError(
                "States.Runtime", "intrinsic functions are not supported: " + path);
          out.set(key.substring(0, key.length() - 2), require(path, input, context));
        } else {
          out.set(key, template(field.getValue(), input, context));
        }
      }
      return out;
    }
    if (template.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      template.forEach(e -> out.add(template(e, input, context)));
      return out;
    }
    return template;
  }

  private static List<Object> parse(String path) {
    if (!path.startsWith("$"))
      throw new IllegalArgumentException("a reference path starts with $: " + path);
    var steps = new ArrayList<Object>();
    int i = 1;
    while (i < path.length()) {
      char c = path.charAt(i);
      if (c == '.') {
        int end = i + 1;
        while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') end++;
        String name = path.substring(i + 1, end);
        if (name.isEmpty() || name.equals("*"))
          throw new IllegalArgumentException("unsupported path " + path);
        steps.add(name);
        i = end;
      } else if (c == '[') {
        int end = path.indexOf(']', i);
        if (end < 0) throw new IllegalArgumentException("unclosed [ in " + path);
        String index = path.substring(i + 1, end);
        try {
          steps.add(Integer.parseInt(index));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("unsupported path " + path, e);
        }
        i = end + 1;
      } else {
        throw new IllegalArgumentException("unsupported path " + path);
      }
    }
    return steps;
  }
}
