package dev.maestro.core.stream;

/**
 * Keeps records that must not be retried (poison records), so that acknowledging them loses
 * nothing. A failure to store one is an exception: the record is then retried, not dropped.
 */
public interface DeadLetters {

  /** Stores {@code letter}; storing the same (source, receivedAt, recordId) again replaces it. */
  void record(DeadLetter letter);
}
