package dev.maestro.core.field;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.error.InvalidInputException;
import dev.maestro.core.security.Principal;

/**
 * The context field as the API serves it ({@code GET /fields/{id}}): the assembled field of one
 * continuation, recalled and scored for its goal frame under a token budget.
 */
public interface FieldService {

  /** The token budget used when the caller names none. */
  int DEFAULT_BUDGET_TOKENS = 4_000;

  /** The largest token budget a caller may ask for. */
  int MAX_BUDGET_TOKENS = 32_000;

  /** Where a bad budget is reported: the query parameter of {@code GET /fields/{id}}. */
  String BUDGET_POINTER = "/query/budgetTokens";

  /**
   * The context field of continuation {@code id} for {@code caller}, within {@code budgetTokens}
   * ({@code null}: {@link #DEFAULT_BUDGET_TOKENS}).
   *
   * @throws dev.maestro.core.error.NotFoundException if the caller's tenant has no such
   *     continuation
   * @throws dev.maestro.core.error.InvalidInputException naming {@link #BUDGET_POINTER} if the
   *     budget is not between 1 and {@link #MAX_BUDGET_TOKENS}
   */
  FieldManifest field(Principal caller, ContinuationId id, Integer budgetTokens);

  /** Checks a requested budget: {@code null} is the default, else 1..{@link #MAX_BUDGET_TOKENS}. */
  static int budget(Integer budgetTokens) {
    if (budgetTokens == null) return DEFAULT_BUDGET_TOKENS;
    if (budgetTokens < 1 || budgetTokens > MAX_BUDGET_TOKENS) {
      throw InvalidInputException.of(
          BUDGET_POINTER, "must be an integer between 1 and " + MAX_BUDGET_TOKENS);
    }
    return budgetTokens;
  }
}
