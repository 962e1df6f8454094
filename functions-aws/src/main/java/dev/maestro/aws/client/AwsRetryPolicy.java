package dev.maestro.aws.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how long a failed AWS call is retried: at most {@code maxAttempts} attempts in all,
 * each wait drawn uniformly from zero to {@code min(maxDelay, baseDelay * 2^retry)} ("full
 * jitter"), so that many callers throttled together do not retry in lockstep. Only throttling,
 * server errors and transport failures are retried; a client error never is.
 */
public record AwsRetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {

  public AwsRetryPolicy {
    Objects.requireNonNull(baseDelay, "baseDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1");
    if (baseDelay.isNegative() || maxDelay.isNegative()) {
      throw new IllegalArgumentException("delays must not be negative");
    }
  }

  /** Four attempts, waits of up to 50 ms, 100 ms, 200 ms: short enough for a tick's budget. */
  public static AwsRetryPolicy standard() {
    return new AwsRetryPolicy(4, Duration.ofMillis(50), Duration.ofSeconds(2));
  }

  /** One attempt, no retry. */
  public static AwsRetryPolicy none() {
    return new AwsRetryPolicy(1, Duration.ZERO, Duration.ZERO);
  }

  /** The upper bound of the wait before retry number {@code retry} (1-based). */
  Duration ceiling(int retry) {
    long base = baseDelay.toNanos();
    int shift = Math.min(retry - 1, 30);
    long grown = base > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : base << shift;
    return Duration.ofNanos(Math.min(grown, maxDelay.toNanos()));
  }
}
