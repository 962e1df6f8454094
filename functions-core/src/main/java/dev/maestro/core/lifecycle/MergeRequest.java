package dev.maestro.core.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.ContinuationId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A request to merge {@code sources} (two or more of the caller's continuations) with the merge
 * function named {@code mergeFunction} into one new child. {@code budgets} says what each source
 * contributes to the child's budget (carved out of that source's remaining budget); the child's
 * limits are their sum. {@code objective} is the child's; {@code parameters} (may be null) override
 * the first source's.
 */
public record MergeRequest(
    List<ContinuationId> sources,
    String mergeFunction,
    Map<ContinuationId, BudgetLimits> budgets,
    String objective,
    JsonNode parameters) {
  public MergeRequest {
    sources = List.copyOf(sources);
    Objects.requireNonNull(mergeFunction, "mergeFunction");
    budgets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(budgets));
    Objects.requireNonNull(objective, "objective");
  }
}
