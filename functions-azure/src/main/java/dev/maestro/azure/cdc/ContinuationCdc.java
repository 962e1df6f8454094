package dev.maestro.azure.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.azure.streams.CosmosSubscriptions;
import dev.maestro.azure.streams.StreamResources;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.facts.FactRows;
import dev.maestro.core.facts.FactSink;
import dev.maestro.core.json.Json;
import dev.maestro.core.stream.DeadLetter;
import dev.maestro.core.stream.DeadLetters;
import dev.maestro.core.stream.PublishFanout;
import dev.maestro.core.stream.SubscriptionIndexer;
import dev.maestro.core.stream.WakeSink;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.substrate.EventLog;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Change data capture driven by the {@code continuations} container's change feed. In the Cosmos DB
 * substrate an event document is committed only when its continuation document's log head moves
 * past it; the {@code events} container also holds documents of appends that never committed (a
 * writer fenced out or dead before its head move), which its change feed would deliver all the
 * same. So CDC reacts to continuation documents instead: for each one it reads the committed events
 * after its cursor up to the document's head ({@code logHeadSequence}) through the {@link EventLog}
 * port, which returns only committed events, applies each to the subscriptions index ({@link
 * SubscriptionIndexer}), fans each {@code publish} event out to its tag's subscribers ({@link
 * PublishFanout}: a due-now wake for each, which raises its orchestration's event), sends their
 * fact rows ({@link FactRows}) to the {@link FactSink}, and only then advances the continuation's
 * cursor ({@link Cursors}). A continuation is finished before the next is started; a failure is
 * thrown, and what was finished stays finished.
 *
 * <p>Replays change nothing in the index (its writes are conditional on the sequence), deliver the
 * same publish wake ids again (each applied at most once by the subscriber's tick), and a document
 * whose head is at or behind the cursor is skipped. If the function fails after sending rows but
 * before the cursor moves, the retry sends them again (rows are deduplicated downstream). If the
 * host gives up on a batch, nothing is lost for good: the next change of that continuation document
 * reads everything after the cursor. Documents of the container that are not continuation documents
 * (the unfinished index) are ignored; a continuation document whose tenant, id or head cannot be
 * read is dead-lettered as {@value #SOURCE} and skipped.
 */
public final class ContinuationCdc {

  static final String SOURCE = "cdc";

  /**
   * How far CDC has processed each continuation's log ({@link CdcCursors} in Cosmos DB; the local
   * invocation keeps them in the embedded store). A cursor only moves forward.
   */
  public interface Cursors {
    /** The last sequence processed for {@code ref}; 0 when none was. */
    long processed(ContinuationRef ref);

    /** Records that {@code ref}'s events up to {@code sequence} are processed (never backwards). */
    void advance(ContinuationRef ref, long sequence);
  }

  /** How many events are read from the log at once. */
  static final int PAGE = 100;

  private final EventLog log;
  private final SubscriptionIndexer indexer;
  private final PublishFanout fanout;
  private final FactSink facts;
  private final Cursors cursors;
  private final DeadLetters deadLetters;
  private final Clock clock;

  /**
   * CDC without sibling fan-out: the index and the fact rows only (a local capture for facts, where
   * no orchestration can be woken).
   */
  public ContinuationCdc(
      EventLog log,
      SubscriptionIndexer indexer,
      FactSink facts,
      Cursors cursors,
      DeadLetters deadLetters,
      Clock clock) {
    this(log, indexer, null, facts, cursors, deadLetters, clock);
  }

  /** CDC with sibling fan-out through {@code fanout} (null: none). */
  public ContinuationCdc(
      EventLog log,
      SubscriptionIndexer indexer,
      PublishFanout fanout,
      FactSink facts,
      Cursors cursors,
      DeadLetters deadLetters,
      Clock clock) {
    this.log = Objects.requireNonNull(log, "log");
    this.indexer = Objects.requireNonNull(indexer, "indexer");
    this.fanout = fanout;
    this.facts = Objects.requireNonNull(facts, "facts");
    this.cursors = Objects.requireNonNull(cursors, "cursors");
    this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The production wiring over the event log and the app instance's stream resources, publish wakes
   * to {@code wakes} (the Durable scheduler of the invocation's client).
   */
  public static ContinuationCdc of(
      EventLog log, StreamResources resources, WakeSink wakes, Clock clock) {
    var subscriptions = new CosmosSubscriptions(resources.subscriptions());
    return new ContinuationCdc(
        log,
        new SubscriptionIndexer(subscriptions),
        new PublishFanout(subscriptions, Objects.requireNonNull(wakes, "wakes")),
        new AppendBlobFactSink(resources.facts(), clock),
        new CdcCursors(resources.subscriptions()),
        resources.deadLetters(),
        clock);
  }

  /**
   * Processes the changed documents as the Functions host hands them to a {@code CosmosDBTrigger}
   * parameter of type {@code String}: a JSON array of documents (a single object is accepted too).
   *
   * @return how many events were processed
   */
  public int process(String documents) {
    JsonNode tree;
    try {
      tree = Json.tree(documents);
    } catch (UncheckedIOException notJson) {
      throw new IllegalArgumentException("the trigger's documents are not JSON", notJson);
    }
    var list = new ArrayList<JsonNode>();
    if (tree.isArray()) tree.forEach(list::add);
    else list.add(tree);
    return process(list);
  }

  /** Processes changed documents of the {@code continuations} container, in order. */
  public int process(List<JsonNode> documents) {
    // The newest head per continuation: several versions of one document may share a batch.
    Map<ContinuationRef, Long> heads = new LinkedHashMap<>();
    for (JsonNode doc : documents) {
      if (doc == null || !doc.isObject() || !doc.has("logHeadSequence")) continue;
      ContinuationRef ref;
      long head;
      try {
        ref = ref(doc);
        head = head(doc);
      } catch (IllegalArgumentException unreadable) {
        deadLetters.record(
            new DeadLetter(
                SOURCE,
                doc.path("id").asText("unknown"),
                clock.instant(),
                doc.toString(),
                String.valueOf(unreadable.getMessage())));
        continue;
      }
      heads.merge(ref, head, Math::max);
    }
    int processed = 0;
    for (var entry : heads.entrySet()) {
      processed += catchUp(entry.getKey(), entry.getValue());
    }
    return processed;
  }

  private int catchUp(ContinuationRef ref, long head) {
    long cursor = cursors.processed(ref);
    if (head <= cursor) return 0;
    var rows = new ArrayList<byte[]>();
    long next = cursor;
    while (next < head) {
      List<EventEnvelope> page =
          log.read(ref.tenant(), ref.id(), next, (int) Math.min(PAGE, head - next));
      if (page.isEmpty()) {
        throw new IllegalStateException(
            ref + ": the log ends at " + next + " but its document's head is " + head);
      }
      for (EventEnvelope event : page) {
        if (event.sequence() > head) break;
        indexer.apply(event);
        if (fanout != null) fanout.apply(event);
        rows.addAll(FactRows.rows(event));
        next = event.sequence();
      }
    }
    facts.put(rows);
    cursors.advance(ref, head);
    return (int) (head - cursor);
  }

  private static ContinuationRef ref(JsonNode doc) {
    String tenant = doc.path("tenant").asText(null);
    String id = doc.path("continuationId").asText(null);
    if (tenant == null || !TenantId.isValid(tenant)) {
      throw new IllegalArgumentException("the document has no valid tenant");
    }
    if (id == null || !ContinuationId.isValid(id)) {
      throw new IllegalArgumentException("the document has no valid continuationId");
    }
    return new ContinuationRef(TenantId.of(tenant), ContinuationId.of(id));
  }

  private static long head(JsonNode doc) {
    JsonNode head = doc.get("logHeadSequence");
    if (head == null || !head.canConvertToLong() || head.asLong() < 1) {
      throw new IllegalArgumentException("the document's logHeadSequence is not a sequence");
    }
    return head.asLong();
  }
}
