package dev.maestro.core.continuation;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * A continuation's id: a UUIDv7 (RFC 9562), so ids sort by creation time and stores can range-scan
 * them cheaply. Time and randomness are arguments, keeping id generation replayable.
 */
public record ContinuationId(String value) implements Comparable<ContinuationId> {

  private static final Pattern VALID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  public ContinuationId {
    Objects.requireNonNull(value, "continuation id");
    if (!VALID.matcher(value).matches()) {
      throw new IllegalArgumentException("continuation id must be a lower-case UUID: " + value);
    }
  }

  @JsonCreator
  public static ContinuationId of(String value) {
    return new ContinuationId(value);
  }

  /** Whether {@code value} is a well-formed continuation id. */
  public static boolean isValid(String value) {
    return value != null && VALID.matcher(value).matches();
  }

  /** A new UUIDv7 whose 48-bit timestamp is {@code now} in Unix milliseconds. */
  public static ContinuationId newId(Instant now, RandomGenerator random) {
    long millis = now.toEpochMilli();
    long msb = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new ContinuationId(new UUID(msb, lsb).toString());
  }

  /**
   * The W3C trace id of this continuation's trace: its 128 bits as 32 lower-case hex digits. Every
   * tick of a continuation, on any runtime and cloud, writes its events under this one trace, so a
   * continuation is one trace however long it lives.
   */
  public String traceId() {
    return value.replace("-", "");
  }

  @JsonValue
  @Override
  public String value() {
    return value;
  }

  @Override
  public int compareTo(ContinuationId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
