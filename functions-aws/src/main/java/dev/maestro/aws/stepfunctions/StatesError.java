package dev.maestro.aws.stepfunctions;

/** An error as Step Functions names it ({@code Error}, {@code Cause}), raised in a state. */
public final class StatesError extends RuntimeException {

  private final String error;

  public StatesError(String error, String cause) {
    super(cause);
    this.error = error;
  }

  /** The error name a {@code Retry} or {@code Catch} matches on. */
  public String error() {
    return error;
  }

  /** The cause, as a caught error's {@code Cause} field carries it. */
  public String cause() {
    return getMessage();
  }
}
