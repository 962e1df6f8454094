package dev.maestro.core.security.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** The token bucket never accepts more than {@code burst + rate * elapsed}. */
class TokenBucketPropertiesTest {

  @Property(tries = 500)
  void acceptedRequestsNeverExceedBurstPlusRateTimesElapsed(
      @ForAll @DoubleRange(min = 0.01, max = 1000) double rate,
      @ForAll @IntRange(min = 1, max = 500) int burst,
      @ForAll @Size(min = 1, max = 400) List<@LongRange(min = 0, max = 2_000_000_000L) Long> gaps) {
    var bucket = new TokenBucket();
    long start = 1_000_000_000_000L;
    long now = start;
    int accepted = 0;
    for (long gap : gaps) {
      now += gap % 7 == 0 ? 0 : gap / 50; // bursts of simultaneous requests, then gaps
      if (bucket.take(now, rate, burst).isZero()) accepted++;
      double elapsedSeconds = (now - start) / 1e9;
      assertThat((double) accepted).isLessThanOrEqualTo(burst + rate * elapsedSeconds + 1e-9);
    }
  }

  @Property(tries = 200)
  void aRefusalSaysHowLongUntilTheNextTokenAndThenOneIsThere(
      @ForAll @DoubleRange(min = 0.01, max = 100) double rate,
      @ForAll @IntRange(min = 1, max = 20) int burst) {
    var bucket = new TokenBucket();
    long now = 5_000_000_000L;
    for (int i = 0; i < burst; i++) assertThat(bucket.take(now, rate, burst)).isZero();
    Duration wait = bucket.take(now, rate, burst);
    assertThat(wait).isPositive();
    assertThat(bucket.take(now + wait.toNanos(), rate, burst)).isZero();
  }
}
