package dev.maestro.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.lifecycle.ForkRequest;
import dev.maestro.core.lifecycle.MergeRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the bodies of {@code POST /continuations/{id}/fork} and {@code POST /continuations/merge},
 * as strictly as goal frames: unknown fields, wrong types and out-of-range values are each reported
 * by JSON pointer, and nothing is returned when anything is wrong. Checks that need the parent's or
 * the sources' state (a carve within their remaining budget, a sequence within the log) are made by
 * the service.
 */
final class LineageRequests {

  /** The most sources one merge may name. */
  static final int MAX_SOURCES = 16;

  private static final Set<String> FORK_FIELDS = Set.of("atSequence", "budget", "goal");
  private static final Set<String> MERGE_FIELDS =
      Set.of("sources", "mergeFunction", "budget", "goal");
  private static final Set<String> GOAL_FIELDS = Set.of("objective", "parameters");

  private LineageRequests() {}

  /**
   * The fork {@code json} describes; null when anything was wrong (each problem is in {@code v}).
   */
  static ForkRequest fork(JsonNode json, Violations v) {
    if (json == null) return null;
    if (!json.isObject()) {
      v.add("", "must be a JSON object");
      return null;
    }
    GoalFrameParser.unknownFields(json, "", FORK_FIELDS, v);
    Long at = null;
    JsonNode atNode = json.get("atSequence");
    if (atNode != null) {
      if (!atNode.isIntegralNumber() || !atNode.canConvertToLong() || atNode.longValue() < 1) {
        v.add("/atSequence", "must be an integer >= 1");
      } else {
        at = atNode.longValue();
      }
    }
    BudgetLimits budget = null;
    JsonNode budgetNode = json.get("budget");
    if (budgetNode == null) {
      v.add("/budget", "is required");
    } else {
      budget = GoalFrameParser.budget(budgetNode, "/budget", v);
    }
    Goal goal = goal(json, false, v);
    if (!v.isEmpty()) return null;
    return new ForkRequest(at, budget, goal.objective(), goal.parameters());
  }

  /** The merge {@code json} describes; null when anything was wrong. */
  static MergeRequest merge(JsonNode json, Violations v) {
    if (json == null) return null;
    if (!json.isObject()) {
      v.add("", "must be a JSON object");
      return null;
    }
    GoalFrameParser.unknownFields(json, "", MERGE_FIELDS, v);
    var sources = new ArrayList<ContinuationId>();
    JsonNode sourcesNode = json.get("sources");
    if (sourcesNode == null) {
      v.add("/sources", "is required");
    } else if (!sourcesNode.isArray()
        || sourcesNode.size() < 2
        || sourcesNode.size() > MAX_SOURCES) {
      v.add("/sources", "must be an array of 2 to " + MAX_SOURCES + " continuation ids");
    } else {
      for (int i = 0; i < sourcesNode.size(); i++) {
        JsonNode item = sourcesNode.get(i);
        if (!item.isTextual() || !ContinuationId.isValid(item.textValue())) {
          v.add(Violations.pointer("/sources", i), "must be a continuation id (a lower-case UUID)");
        } else {
          sources.add(ContinuationId.of(item.textValue()));
        }
      }
    }
    String mergeFunction = null;
    JsonNode fn = json.get("mergeFunction");
    if (fn == null) {
      v.add("/mergeFunction", "is required");
    } else if (!fn.isTextual()) {
      v.add("/mergeFunction", "must be a string");
    } else {
      mergeFunction = fn.textValue();
    }
    Map<ContinuationId, BudgetLimits> budgets = new LinkedHashMap<>();
    JsonNode budgetNode = json.get("budget");
    if (budgetNode == null) {
      v.add("/budget", "is required");
    } else if (!budgetNode.isObject()) {
      v.add("/budget", "must be a JSON object keyed by source id");
    } else {
      budgetNode
          .fields()
          .forEachRemaining(
              share -> {
                String pointer = Violations.pointer("/budget", share.getKey());
                if (!ContinuationId.isValid(share.getKey())) {
                  v.add(pointer, "must be keyed by a source's continuation id");
                  return;
                }
                BudgetLimits limits = GoalFrameParser.budget(share.getValue(), pointer, v);
                if (limits != null) budgets.put(ContinuationId.of(share.getKey()), limits);
              });
    }
    Goal goal = goal(json, true, v);
    if (!v.isEmpty()) return null;
    return new MergeRequest(sources, mergeFunction, budgets, goal.objective(), goal.parameters());
  }

  private record Goal(String objective, JsonNode parameters) {}

  private static Goal goal(JsonNode json, boolean objectiveRequired, Violations v) {
    JsonNode node = json.get("goal");
    if (node == null) {
      if (objectiveRequired) v.add("/goal", "is required");
      return new Goal(null, null);
    }
    if (!node.isObject()) {
      v.add("/goal", "must be a JSON object");
      return new Goal(null, null);
    }
    GoalFrameParser.unknownFields(node, "/goal", GOAL_FIELDS, v);
    String objective =
        GoalFrameParser.text(
            node, "/goal", "objective", objectiveRequired, GoalFrameParser.MAX_OBJECTIVE_CHARS, v);
    if (objective != null && objective.isBlank()) v.add("/goal/objective", "must not be blank");
    JsonNode parameters = node.get("parameters");
    if (parameters != null && !parameters.isObject()) {
      v.add("/goal/parameters", "must be a JSON object");
      parameters = null;
    }
    return new Goal(objective, parameters);
  }

  /** The ids in {@code sources}, for messages. */
  static List<String> ids(List<ContinuationId> sources) {
    return sources.stream().map(ContinuationId::value).toList();
  }
}
