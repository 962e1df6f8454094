package dev.maestro.core.error;

/**
 * A write collided with a different value already stored (a taken sequence, an existing id, a held
 * lease).
 */
public non-sealed class ConflictException extends MaestroException {

  public ConflictException(String message) {
    super("conflict", message);
  }

  @Override
  public int httpStatus() {
    return 409;
  }
}
