package dev.maestro.core.error;

/**
 * A write carried a generation older than the continuation's current lease generation; the writer
 * is a zombie and must stop.
 */
public final class FencedException extends MaestroException {

  public FencedException(String message) {
    super("fenced", message);
  }

  @Override
  public int httpStatus() {
    return 409;
  }
}
