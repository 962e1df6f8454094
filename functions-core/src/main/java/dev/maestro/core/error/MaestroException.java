package dev.maestro.core.error;

/**
 * Root of the domain's failure vocabulary. Each subtype maps to exactly one problem+json status at
 * the HTTP edge ({@link #httpStatus()}) and to an {@code error} event where it ends a tick.
 */
public abstract sealed class MaestroException extends RuntimeException
    permits ConflictException,
        FencedException,
        NotFoundException,
        InvalidInputException,
        BudgetExceededException,
        FrozenException,
        UnauthorizedException,
        ForbiddenException {

  private final String code;

  protected MaestroException(String code, String message) {
    super(message);
    this.code = code;
  }

  protected MaestroException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** Stable machine-readable code, used as the problem type suffix and in error events. */
  public String code() {
    return code;
  }

  /** The HTTP status this failure maps to at the API edge. */
  public abstract int httpStatus();
}
