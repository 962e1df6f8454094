package dev.maestro.local.store;

import java.time.Instant;

/**
 * Instants as the store keeps them: nanoseconds since the epoch in one signed 64-bit integer, so
 * they sort as integers and round-trip exactly (valid from 1677 to 2262).
 */
final class Instants {

  private Instants() {}

  /** {@code instant} in epoch nanoseconds. */
  static long toNanos(Instant instant) {
    try {
      return Math.addExact(
          Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "instant " + instant + " is outside the storable range (1677-2262)", e);
    }
  }

  /** The instant {@code nanos} nanoseconds after the epoch. */
  static Instant fromNanos(long nanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }
}
