package dev.maestro.core.error;

import java.util.List;

/**
 * A client supplied input that cannot be accepted. Names every offending field as a JSON pointer so
 * the problem+json response tells the caller exactly what to fix. Nothing was written.
 */
public final class InvalidInputException extends MaestroException {

  /**
   * One offending field: a JSON pointer (e.g. {@code /budget/maxUsd}) and what is wrong with it.
   */
  public record FieldError(String pointer, String detail) {}

  private final List<FieldError> errors;

  public InvalidInputException(List<FieldError> errors) {
    super("invalid_input", summarize(errors));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("an InvalidInputException must name at least one field");
    }
    this.errors = List.copyOf(errors);
  }

  public static InvalidInputException of(String pointer, String detail) {
    return new InvalidInputException(List.of(new FieldError(pointer, detail)));
  }

  public List<FieldError> errors() {
    return errors;
  }

  @Override
  public int httpStatus() {
    return 400;
  }

  private static String summarize(List<FieldError> errors) {
    return errors.isEmpty()
        ? "invalid input"
        : errors.get(0).pointer()
            + ": "
            + errors.get(0).detail()
            + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "");
  }
}
