package dev.maestro.core.substrate;

import java.time.Instant;

/**
 * Instants as stores keep them: nanoseconds since the epoch in one signed 64-bit integer, so they
 * sort and compare as numbers (SQL columns, DynamoDB condition expressions) and round-trip exactly.
 * Valid from 1677 to 2262.
 */
public final class EpochNanos {

  private EpochNanos() {}

  /**
   * {@code instant} in epoch nanoseconds.
   *
   * @throws IllegalArgumentException if it is outside 1677-2262
   */
  public static long of(Instant instant) {
    try {
      return Math.addExact(
          Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "instant " + instant + " is outside the storable range (1677-2262)", e);
    }
  }

  /** The instant {@code nanos} nanoseconds after the epoch. */
  public static Instant toInstant(long nanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }
}
