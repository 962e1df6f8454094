package dev.maestro.policy.onnx;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs ONNX Runtime's start-up work on a thread with a large stack. Its native initialisation and
 * session creation overflow a default-sized Java thread stack (1 MB) and the JVM dies with a native
 * crash, not an exception; on a thread of {@link #STACK_BYTES} they succeed. Scoring needs no more
 * than any thread has. Every module that creates an ONNX Runtime session loads it through here.
 */
public final class LargeStack {

  /** The loader thread's stack: 16 MB. */
  public static final long STACK_BYTES = 16L << 20;

  private LargeStack() {}

  /**
   * {@code load}'s result, computed on a thread of its own with {@link #STACK_BYTES}; {@code what}
   * names the work in errors. Runtime exceptions and errors from {@code load} are rethrown as they
   * are.
   */
  public static <T> T call(Supplier<T> load, String what) {
    var result = new AtomicReference<T>();
    var failure = new AtomicReference<Throwable>();
    Thread loader =
        new Thread(
            null,
            () -> {
              try {
                result.set(load.get());
              } catch (Throwable t) {
                failure.set(t);
              }
            },
            "onnx-load",
            STACK_BYTES);
    loader.start();
    try {
      loader.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + ": interrupted while loading", e);
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException r) throw r;
    if (t instanceof Error err) throw err;
    if (t != null) throw new IllegalStateException(what + ": loading failed", t);
    return result.get();
  }
}
