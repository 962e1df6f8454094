package dev.maestro.core.security.ratelimit;

import java.time.Duration;

/**
 * A token bucket: holds at most {@code burst} tokens, refills at {@code rate} tokens per second,
 * and each accepted request takes one. Over any interval of {@code t} seconds it accepts at most
 * {@code burst + rate * t} requests. Time comes in as an argument (nanoseconds on any fixed scale),
 * so the bucket is deterministic under test. Thread-safe.
 */
public final class TokenBucket {

  private double tokens;
  private long lastNanos;
  private boolean started;

  /** A full bucket. */
  public TokenBucket() {}

  /**
   * Takes a token at {@code nowNanos} if one is there.
   *
   * @param rate tokens per second, > 0
   * @param burst the bucket's size, >= 1
   * @return {@link Duration#ZERO} when the request is accepted, else how long until a token is
   *     there
   */
  public synchronized Duration take(long nowNanos, double rate, int burst) {
    if (!started) {
      tokens = burst;
      lastNanos = nowNanos;
      started = true;
    } else if (nowNanos > lastNanos) {
      tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * rate / 1e9);
      lastNanos = nowNanos;
    }
    // A limit lowered below what the bucket holds takes effect at once.
    tokens = Math.min(tokens, burst);
    if (tokens >= 1) {
      tokens -= 1;
      return Duration.ZERO;
    }
    double missing = 1 - tokens;
    return Duration.ofNanos(Math.max(1, (long) Math.ceil(missing / rate * 1e9)));
  }
}
