package dev.maestro.core.error;

/** The caller's credentials are missing, malformed, expired or not signed by a trusted issuer. */
public final class UnauthorizedException extends MaestroException {

  public UnauthorizedException(String message) {
    super("unauthorized", message);
  }

  @Override
  public int httpStatus() {
    return 401;
  }
}
