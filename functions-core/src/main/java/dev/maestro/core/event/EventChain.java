package dev.maestro.core.event;

import java.util.List;
import java.util.Optional;

/** Verifies a continuation's log: gapless sequences from 1, valid hashes, unbroken links. */
public final class EventChain {

  private EventChain() {}

  /**
   * Returns a description of the first defect in {@code events} (which must be the whole log from
   * sequence 1, in order), or empty when the chain is intact.
   */
  public static Optional<String> firstDefect(List<EventEnvelope> events) {
    String prev = EventEnvelope.GENESIS;
    long expected = 1;
    for (EventEnvelope e : events) {
      if (e.sequence() != expected) {
        return Optional.of("expected sequence " + expected + " but found " + e.sequence());
      }
      if (!e.prevHash().equals(prev)) {
        return Optional.of("event " + e.sequence() + " does not link to its predecessor");
      }
      if (!e.hashIsValid()) {
        return Optional.of("event " + e.sequence() + " has been altered (hash mismatch)");
      }
      prev = e.hash();
      expected++;
    }
    return Optional.empty();
  }
}
