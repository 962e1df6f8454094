package dev.maestro.core.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.budget.BudgetLimits;
import java.util.Objects;

/**
 * A request to fork a continuation: from the state as of {@code atSequence} (null: the log's head),
 * with {@code budget} carved out of the parent's remaining budget, and {@code objective} and {@code
 * parameters} (each may be null) overriding the parent's goal frame for the child.
 */
public record ForkRequest(
    Long atSequence, BudgetLimits budget, String objective, JsonNode parameters) {
  public ForkRequest {
    Objects.requireNonNull(budget, "budget");
  }
}
