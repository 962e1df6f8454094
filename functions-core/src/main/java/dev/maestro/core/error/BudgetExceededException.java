package dev.maestro.core.error;

/** A spend would cross a hard budget cap; nothing was spent. */
public final class BudgetExceededException extends MaestroException {

  public BudgetExceededException(String message) {
    super("budget_exceeded", message);
  }

  @Override
  public int httpStatus() {
    return 402;
  }
}
