package dev.maestro.otel;

import io.opentelemetry.sdk.trace.IdGenerator;

/**
 * Hands the SDK the ids an append batch already carries, so that an exported span's trace and span
 * ids are the events' own: the caller names the ids for the span it is about to start, on its
 * thread; any other span (none is expected) gets random ids.
 */
final class EventIds implements IdGenerator {

  private static final ThreadLocal<String[]> NEXT = new ThreadLocal<>();
  private final IdGenerator random = IdGenerator.random();

  /** Runs {@code start} with {@code traceId} and {@code spanId} as the next ids handed out. */
  static <T> T with(String traceId, String spanId, java.util.function.Supplier<T> start) {
    NEXT.set(new String[] {traceId, spanId});
    try {
      return start.get();
    } finally {
      NEXT.remove();
    }
  }

  @Override
  public String generateSpanId() {
    String[] next = NEXT.get();
    return next != null && next[1] != null ? next[1] : random.generateSpanId();
  }

  @Override
  public String generateTraceId() {
    String[] next = NEXT.get();
    return next != null && next[0] != null ? next[0] : random.generateTraceId();
  }
}
