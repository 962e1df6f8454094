package dev.maestro.core.substrate;

import dev.maestro.core.error.ConflictException;
import dev.maestro.core.event.EventEnvelope;
import java.util.List;

/**
 * The store-independent decision of an append (see {@link EventLog#append}): which of a batch's
 * events are already stored (identical retries), and whether the rest may follow the log. Stores
 * read the log's head and the stored hashes that overlap the batch, then ask this; they write only
 * the events after {@link #alreadyPresent}.
 */
public final class AppendPlan {

  private AppendPlan() {}

  /**
   * How many leading events of {@code batch} are already in the log.
   *
   * @param ref the continuation
   * @param batch a validated batch ({@link EventLog#checkBatch})
   * @param storedHashes the hashes stored at the batch's first sequences, up to the log's head
   *     (empty when the batch starts after the head)
   * @param headSequence the log's last sequence
   * @param headHash the log's last event's hash
   * @throws ConflictException if a different event is stored at one of the batch's sequences, the
   *     first new event does not follow the head (a gap), or an event does not link to its
   *     predecessor
   */
  public static int alreadyPresent(
      ContinuationRef ref,
      List<EventEnvelope> batch,
      List<String> storedHashes,
      long headSequence,
      String headHash) {
    long first = batch.get(0).sequence();
    for (int i = 0; i < storedHashes.size(); i++) {
      if (!storedHashes.get(i).equals(batch.get(i).hash())) {
        throw new ConflictException(
            "a different event is already stored at sequence " + (first + i) + " of " + ref);
      }
    }
    int present = storedHashes.size();
    if (present == batch.size()) return present;
    EventEnvelope firstNew = batch.get(present);
    if (firstNew.sequence() != headSequence + 1) {
      throw new ConflictException(
          "the log of "
              + ref
              + " ends at sequence "
              + headSequence
              + "; an append cannot continue at "
              + firstNew.sequence());
    }
    String previousHash = headHash;
    for (int i = present; i < batch.size(); i++) {
      EventEnvelope event = batch.get(i);
      if (!event.prevHash().equals(previousHash)) {
        throw new ConflictException(
            "event " + event.sequence() + " of " + ref + " does not link to its predecessor");
      }
      previousHash = event.hash();
    }
    return present;
  }
}
