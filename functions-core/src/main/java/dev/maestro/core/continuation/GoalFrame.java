package dev.maestro.core.continuation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.budget.BudgetLimits;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a continuation is for: the objective, who it is for, the shape of the deliverable, the
 * constraints and channels it may read, its budget, deadline and success criteria, and the recipe
 * (step code) that pursues it. Immutable; a redirect is recorded as an event, not an edit.
 *
 * @param objective the research question or task, in plain language
 * @param audience who reads the deliverable
 * @param deliverableSchema JSON Schema of the deliverable (an empty object when unconstrained)
 * @param constraints free-text constraints ("peer-reviewed sources only")
 * @param channels context channels the continuation may read (semantic, episodic, ...)
 * @param budget spend limits
 * @param deadline when the deliverable is due, or null
 * @param successCriteria how to tell the deliverable is good enough
 * @param policyClass the tenant policy class governing routing and delegation
 * @param region data residency region
 * @param recipe the name of the step code that runs each tick
 * @param parameters recipe-specific parameters (a JSON object)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GoalFrame(
    String objective,
    String audience,
    JsonNode deliverableSchema,
    List<String> constraints,
    List<String> channels,
    BudgetLimits budget,
    Instant deadline,
    List<String> successCriteria,
    String policyClass,
    String region,
    String recipe,
    JsonNode parameters) {

  public static final String DEFAULT_POLICY_CLASS = "standard";
  public static final String DEFAULT_REGION = "local";
  public static final String DEFAULT_RECIPE = "noop";

  public GoalFrame {
    Objects.requireNonNull(objective, "objective");
    Objects.requireNonNull(budget, "budget");
    audience = audience == null ? "" : audience;
    deliverableSchema =
        deliverableSchema == null
            ? JsonNodeFactory.instance.objectNode()
            : deliverableSchema.deepCopy();
    constraints = constraints == null ? List.of() : List.copyOf(constraints);
    channels = channels == null ? List.of() : List.copyOf(channels);
    successCriteria = successCriteria == null ? List.of() : List.copyOf(successCriteria);
    policyClass = policyClass == null ? DEFAULT_POLICY_CLASS : policyClass;
    region = region == null ? DEFAULT_REGION : region;
    recipe = recipe == null ? DEFAULT_RECIPE : recipe;
    parameters = parameters == null ? JsonNodeFactory.instance.objectNode() : parameters.deepCopy();
  }

  /** A goal frame with just an objective, a budget and a recipe; everything else defaulted. */
  public static GoalFrame of(
      String objective, BudgetLimits budget, String recipe, JsonNode parameters) {
    return new GoalFrame(
        objective, null, null, null, null, budget, null, null, null, null, recipe, parameters);
  }
}
