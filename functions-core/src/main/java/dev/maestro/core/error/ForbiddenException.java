package dev.maestro.core.error;

/** The caller is authenticated but may not perform this operation. */
public final class ForbiddenException extends MaestroException {

  public ForbiddenException(String message) {
    super("forbidden", message);
  }

  @Override
  public int httpStatus() {
    return 403;
  }
}
