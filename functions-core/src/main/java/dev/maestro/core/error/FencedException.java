package dev.maestro.core.error;

/**
 * A write carried a generation older than the continuation's current lease generation; the writer
 * is a zombie and must stop.
 */
public final class FencedException extends MaestroException {

  public FencedException(String message) {
    super("fenced", message);
  }

  /**
   * The fencing rule every store applies: a write carrying {@code fence} is refused when the lease
   * is already at a later {@code generation}.
   *
   * @param write what is written, for the message ({@code append to}, {@code snapshot of})
   * @param target the continuation written to
   */
  public static void check(String write, Object target, long fence, long generation) {
    if (fence < generation) {
      throw new FencedException(
          write
              + " "
              + target
              + " carries fence "
              + fence
              + " but the lease is at generation "
              + generation);
    }
  }

  @Override
  public int httpStatus() {
    return 409;
  }
}
