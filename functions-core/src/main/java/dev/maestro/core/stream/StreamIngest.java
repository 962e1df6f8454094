package dev.maestro.core.stream;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.wake.Wake;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What every stream handler does with one record, whatever the transport: parse it, dead-letter it
 * if it can never be delivered, otherwise turn it into a wake for the continuation it names or for
 * every subscriber of its topic. Poison records return normally (acknowledged); a failure of the
 * index, the wake sink or the dead-letter store is thrown, for the handler to report as retryable.
 */
public final class StreamIngest {

  /** What became of a record that was not retried. */
  public enum Outcome {
    /** Woken: the addressed continuation, or every subscriber (possibly none). */
    DELIVERED,
    /** Invalid: kept in the dead-letter store and acknowledged. */
    DEAD_LETTERED
  }

  private final Subscriptions subscriptions;
  private final WakeSink sink;
  private final DeadLetters deadLetters;

  public StreamIngest(Subscriptions subscriptions, WakeSink sink, DeadLetters deadLetters) {
    this.subscriptions = Objects.requireNonNull(subscriptions, "subscriptions");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
  }

  /**
   * Processes one record.
   *
   * @param source the transport, as dead letters name it
   * @param recordId the transport's record id
   * @param receivedAt when the transport received the record (the wake's time)
   * @param raw the record as received, kept if it is dead-lettered
   * @param parse parses the record; throws {@link InvalidStreamMessageException} for poison
   * @throws RuntimeException when delivery or dead-lettering failed and the record must be retried
   */
  public Outcome accept(
      String source,
      String recordId,
      Instant receivedAt,
      String raw,
      Supplier<StreamMessage> parse) {
    StreamMessage message;
    try {
      message = parse.get();
    } catch (InvalidStreamMessageException poison) {
      deadLetters.record(
          new DeadLetter(
              source, recordId, receivedAt, raw == null ? "" : raw, poison.getMessage()));
      return Outcome.DEAD_LETTERED;
    }
    deliver(message, receivedAt);
    return Outcome.DELIVERED;
  }

  /**
   * Delivers a parsed message as a {@link dev.maestro.core.wake.WakeKind#STREAM} wake sent at
   * {@code at}: to the continuation it names, or to every subscriber of its topic. Returns how many
   * continuations it was delivered to.
   *
   * @throws RuntimeException when the index or the wake sink failed; delivering again is safe
   */
  public int deliver(StreamMessage message, Instant at) {
    Wake wake = message.toWake(at);
    List<ContinuationId> targets =
        message.continuationId().isPresent()
            ? List.of(message.continuationId().get())
            : subscriptions.subscribers(message.tenant(), message.topic());
    for (ContinuationId id : targets) {
      sink.deliver(new ContinuationRef(message.tenant(), id), wake);
    }
    return targets.size();
  }
}
