package dev.maestro.azure.cosmos;

import static dev.maestro.azure.cosmos.Docs.CONTINUATION_ID;
import static dev.maestro.azure.cosmos.Docs.ETAG;
import static dev.maestro.azure.cosmos.Docs.ID;
import static dev.maestro.azure.cosmos.Docs.PK;
import static dev.maestro.azure.cosmos.Docs.TENANT;
import static dev.maestro.azure.cosmos.Docs.call;

import com.azure.cosmos.CosmosAsyncContainer;
import com.azure.cosmos.CosmosException;
import com.azure.cosmos.models.PartitionKey;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.ConflictException;
import dev.maestro.core.error.FencedException;
import dev.maestro.core.error.NotFoundException;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.json.Json;
import dev.maestro.core.substrate.AppendPlan;
import dev.maestro.core.substrate.AppendResult;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.substrate.EventLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import reactor.core.publisher.Flux;

/**
 * The event log: one document per event in the {@code events} container (pk {@code
 * tenant#continuationId}, id the sequence zero-padded to 19 digits) holding the event JSON, its
 * hash and its generation, committed by the log head on the continuation document.
 *
 * <p>An append (see the package documentation for why it is safe without a transactional batch):
 * read the continuation document (fence, head, etag); decide duplicate / conflict / gap / link with
 * {@link AppendPlan} over the committed hashes; create each new event document, where an existing
 * document beyond the head is either this batch's own (same hash), garbage of a fenced-out writer
 * (older generation: replaced with {@code If-Match}) or a slot taken by a live writer of the same
 * generation (conflict); then move the head with {@code If-Match} on the etag read. That replace is
 * the commit point; a 412 re-reads and decides again. Readers return only events up to the head.
 */
final class CosmosEventLog implements EventLog {

  static final String SEQUENCE = "sequence";
  static final String GENERATION = "generation";
  static final String TYPE = "type";
  static final String HASH = "hash";
  static final String BODY = "body";

  /** Point reads in flight at once when reading a range of the log. */
  static final int READ_CONCURRENCY = 16;

  /** How many read-decide-write rounds an append makes while other writers keep moving the head. */
  static final int MAX_ATTEMPTS = 50;

  private final CosmosAsyncContainer events;
  private final CosmosContinuationStore continuations;

  CosmosEventLog(CosmosAsyncContainer events, CosmosContinuationStore continuations) {
    this.events = events;
    this.continuations = continuations;
  }

  static String eventId(long sequence) {
    return String.format("%019d", sequence);
  }

  static ObjectNode document(EventEnvelope event) {
    ObjectNode doc = Docs.object();
    doc.put(ID, eventId(event.sequence()));
    doc.put(PK, Docs.continuationKey(event.tenant(), event.continuationId()));
    doc.put(TENANT, event.tenant().value());
    doc.put(CONTINUATION_ID, event.continuationId().value());
    doc.put(SEQUENCE, event.sequence());
    doc.put(GENERATION, event.generation());
    doc.put(TYPE, event.type().wire());
    doc.put(HASH, event.hash());
    doc.put(BODY, Json.write(event));
    return doc;
  }

  /** Creates {@code event}'s document; false if its sequence already has one. */
  static boolean createEvent(CosmosAsyncContainer events, EventEnvelope event) {
    return Docs.create(
        events, Docs.continuationKey(event.tenant(), event.continuationId()), document(event));
  }

  @Override
  public AppendResult append(
      TenantId tenant, ContinuationId id, long fence, List<EventEnvelope> events) {
    Objects.requireNonNull(events, "events");
    var ref = new ContinuationRef(tenant, id);
    EventLog.checkBatch(tenant, id, fence, events);
    var batch = List.copyOf(events);
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      AppendResult result = call("appending to " + ref, () -> tryAppend(ref, fence, batch));
      if (result != null) return result;
    }
    throw new ConflictException(
        "the log of " + ref + " kept changing under concurrent writers; retry the append");
  }

  /** One read-decide-write round: the result, or null to re-read after losing a race. */
  private AppendResult tryAppend(ContinuationRef ref, long fence, List<EventEnvelope> batch) {
    Head head = head(ref);
    FencedException.check("append to", ref, fence, head.generation());
    long first = batch.get(0).sequence();
    List<String> storedOverlap = List.of();
    if (first <= head.sequence()) {
      long overlapEnd = Math.min(head.sequence(), first + batch.size() - 1);
      storedOverlap =
          committed(ref, head, first - 1, (int) (overlapEnd - first + 1)).stream()
              .map(EventEnvelope::hash)
              .toList();
    }
    int present =
        AppendPlan.alreadyPresent(ref, batch, storedOverlap, head.sequence(), head.hash());
    if (present == batch.size()) return new AppendResult(0, present, head.sequence());

    for (int i = present; i < batch.size(); i++) {
      if (!writeUncommitted(ref, fence, batch.get(i))) return null;
    }
    EventEnvelope last = batch.get(batch.size() - 1);
    ObjectNode moved = head.document();
    moved.put(CosmosContinuationStore.LOG_HEAD_SEQUENCE, last.sequence());
    moved.put(CosmosContinuationStore.LOG_HEAD_HASH, last.hash());
    if (!continuations.replace(ref, moved, head.etag())) return null;
    return new AppendResult(batch.size() - present, present, last.sequence());
  }

  /**
   * Writes {@code event}'s document beyond the committed head. True when the slot now holds it;
   * false when a race asks for another round.
   *
   * @throws ConflictException if a live writer of the same generation holds the slot
   * @throws FencedException if a writer of a newer generation holds it
   */
  private boolean writeUncommitted(ContinuationRef ref, long fence, EventEnvelope event) {
    if (createEvent(events, event)) return true;
    String pk = Docs.continuationKey(ref.tenant(), ref.id());
    Optional<ObjectNode> existing = Docs.read(events, pk, eventId(event.sequence()));
    if (existing.isEmpty()) return false; // deleted meanwhile: try again
    ObjectNode stored = existing.get();
    if (Docs.text(stored, HASH).equals(event.hash())) return true; // this batch's own retry
    long generation = Docs.number(stored, GENERATION);
    if (generation < fence) {
      // Garbage of a writer fenced out before it committed: no head move can ever commit it.
      return Docs.replaceIfMatch(events, pk, document(event), Docs.text(stored, ETAG));
    }
    if (generation > fence) {
      throw new FencedException(
          "a writer of generation "
              + generation
              + " holds sequence "
              + event.sequence()
              + " of "
              + ref
              + "; this append carries fence "
              + fence);
    }
    throw new ConflictException(
        "another writer of generation "
            + fence
            + " holds sequence "
            + event.sequence()
            + " of "
            + ref);
  }

  /** The continuation document as read, with its etag, generation and log head. */
  record Head(ObjectNode document, String etag, long generation, long sequence, String hash) {}

  private Head head(ContinuationRef ref) {
    ObjectNode doc =
        continuations
            .document(ref)
            .orElseThrow(() -> new NotFoundException("continuation " + ref + " does not exist"));
    return new Head(
        doc,
        Docs.text(doc, ETAG),
        Docs.number(doc, CosmosContinuationStore.GENERATION),
        Docs.number(doc, CosmosContinuationStore.LOG_HEAD_SEQUENCE),
        Docs.text(doc, CosmosContinuationStore.LOG_HEAD_HASH));
  }

  @Override
  public List<EventEnvelope> read(
      TenantId tenant, ContinuationId id, long afterSequence, int limit) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    if (limit < 0) throw new IllegalArgumentException("limit must not be negative");
    if (limit == 0 || afterSequence == Long.MAX_VALUE) return List.of();
    var ref = new ContinuationRef(tenant, id);
    return call(
        "reading the log of " + ref,
        () -> {
          Optional<ObjectNode> doc = continuations.document(ref);
          if (doc.isEmpty()) return List.of();
          ObjectNode d = doc.get();
          Head head =
              new Head(
                  d,
                  Docs.text(d, ETAG),
                  Docs.number(d, CosmosContinuationStore.GENERATION),
                  Docs.number(d, CosmosContinuationStore.LOG_HEAD_SEQUENCE),
                  Docs.text(d, CosmosContinuationStore.LOG_HEAD_HASH));
          long from = Math.max(afterSequence, 0);
          long available = head.sequence() - from;
          if (available <= 0) return List.of();
          return committed(ref, head, from, (int) Math.min(limit, available));
        });
  }

  /**
   * The {@code count} committed events after {@code after} (all at or below the head): sequence 1
   * from the continuation document, the rest by point reads, {@link #READ_CONCURRENCY} at a time.
   */
  private List<EventEnvelope> committed(ContinuationRef ref, Head head, long after, int count) {
    var result = new ArrayList<EventEnvelope>(count);
    long next = after + 1;
    if (next == 1 && count > 0) {
      result.add(
          Json.read(
              Docs.text(head.document(), CosmosContinuationStore.SPAWN), EventEnvelope.class));
      next = 2;
    }
    long end = after + count;
    if (next > end) return result;
    long start = next;
    String pk = Docs.continuationKey(ref.tenant(), ref.id());
    var partition = new PartitionKey(pk);
    List<EventEnvelope> rest =
        Flux.range(0, (int) (end - start + 1))
            .map(i -> start + i)
            .flatMapSequential(
                sequence ->
                    events
                        .readItem(eventId(sequence), partition, ObjectNode.class)
                        .onErrorMap(
                            e ->
                                e instanceof CosmosException c
                                    && c.getStatusCode() == Docs.NOT_FOUND,
                            e ->
                                new CosmosStoreException(
                                    "committed event " + sequence + " of " + ref + " is missing",
                                    e))
                        .map(r -> Json.read(Docs.text(r.getItem(), BODY), EventEnvelope.class)),
                READ_CONCURRENCY)
            .collectList()
            .block();
    result.addAll(rest);
    return result;
  }
}
