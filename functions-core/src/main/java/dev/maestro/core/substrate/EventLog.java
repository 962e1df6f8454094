package dev.maestro.core.substrate;

import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.ContinuationFold;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import java.util.ArrayList;
import java.util.List;

/**
 * A continuation's append-only, hash-chained event log, partitioned by (tenant, continuation). See
 * ADR-0002 (event model and hashing) and ADR-0003 (fencing).
 */
public interface EventLog {

  /**
   * Appends a batch of events atomically: all or none. The batch must be for one continuation, with
   * contiguous sequences, every event carrying {@code fence} as its generation.
   *
   * <p>Idempotent on (continuation, sequence): an event identical to the stored one (same hash) is
   * a no-op; a different event at a taken sequence is a conflict. The first new event must follow
   * the stored last event (no gap) and link to its hash.
   *
   * @throws dev.maestro.core.error.FencedException if {@code fence} is older than the current lease
   *     generation (a zombie writer); nothing is written
   * @throws dev.maestro.core.error.ConflictException on a different event at a taken sequence, a
   *     gap, or a broken hash link; nothing is written
   * @throws dev.maestro.core.error.NotFoundException if the continuation does not exist
   * @throws IllegalArgumentException if the batch is empty, mixed, non-contiguous or carries a
   *     generation other than {@code fence}
   */
  AppendResult append(TenantId tenant, ContinuationId id, long fence, List<EventEnvelope> events);

  /**
   * Up to {@code limit} events with sequence greater than {@code afterSequence}, in order. A
   * continuation of another tenant reads as empty.
   */
  List<EventEnvelope> read(TenantId tenant, ContinuationId id, long afterSequence, int limit);

  /** Validates an append batch's shape (the {@link IllegalArgumentException} cases above). */
  static void checkBatch(
      TenantId tenant, ContinuationId id, long fence, List<EventEnvelope> events) {
    if (events.isEmpty()) throw new IllegalArgumentException("an append needs at least one event");
    long expected = events.get(0).sequence();
    for (EventEnvelope e : events) {
      if (!e.tenant().equals(tenant) || !e.continuationId().equals(id)) {
        throw new IllegalArgumentException(
            "every event of a batch must belong to " + tenant + "/" + id);
      }
      if (e.generation() != fence) {
        throw new IllegalArgumentException(
            "event "
                + e.sequence()
                + " carries generation "
                + e.generation()
                + ", not the fence "
                + fence);
      }
      if (e.sequence() != expected++) {
        throw new IllegalArgumentException("a batch's sequences must be contiguous");
      }
    }
  }

  /** How many events {@link #catchUp} reads per page. */
  int CATCH_UP_PAGE = 500;

  /**
   * The current state: {@code snapshot} (which may lag the log) with every later event of {@code
   * log} folded onto it, read in pages.
   */
  static Continuation catchUp(EventLog log, Continuation snapshot) {
    Continuation state = snapshot;
    while (true) {
      List<EventEnvelope> page =
          log.read(state.tenant(), state.id(), state.lastSequence(), CATCH_UP_PAGE);
      state = ContinuationFold.foldOnto(state, page);
      if (page.size() < CATCH_UP_PAGE) return state;
    }
  }

  /**
   * Every event of {@code tenant}'s continuation {@code id} after {@code afterSequence}, in pages.
   */
  static List<EventEnvelope> readAfter(
      EventLog log, TenantId tenant, ContinuationId id, long afterSequence) {
    var all = new ArrayList<EventEnvelope>();
    long after = afterSequence;
    while (true) {
      List<EventEnvelope> page = log.read(tenant, id, after, CATCH_UP_PAGE);
      all.addAll(page);
      if (page.size() < CATCH_UP_PAGE) return all;
      after = page.get(page.size() - 1).sequence();
    }
  }
}
