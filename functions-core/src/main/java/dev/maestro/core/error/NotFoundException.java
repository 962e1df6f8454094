package dev.maestro.core.error;

/**
 * The named continuation (or other resource) does not exist for the caller's tenant. Another
 * tenant's data is reported the same way.
 */
public final class NotFoundException extends MaestroException {

  public NotFoundException(String message) {
    super("not_found", message);
  }

  @Override
  public int httpStatus() {
    return 404;
  }
}
