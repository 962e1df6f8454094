package dev.maestro.aws.dynamodb;

import static dev.maestro.aws.dynamodb.Items.CONDITIONAL_CHECK_FAILED;
import static dev.maestro.aws.dynamodb.Items.CONTINUATION_ID;
import static dev.maestro.aws.dynamodb.Items.PK;
import static dev.maestro.aws.dynamodb.Items.SK;
import static dev.maestro.aws.dynamodb.Items.TENANT;
import static dev.maestro.aws.dynamodb.Items.TRANSACTION_CONFLICT;
import static dev.maestro.aws.dynamodb.Items.n;
import static dev.maestro.aws.dynamodb.Items.s;
import static dev.maestro.aws.dynamodb.Items.sdk;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The event log in the {@code events} table: one item per event (pk {@code tenant#continuationId},
 * sk {@code sequence}) holding the event JSON exactly as written, its hash and its generation.
 *
 * <p>An append reads the continuation item once (strongly consistent): its lease generation and the
 * log's head (last sequence and hash), which every append keeps there. It decides duplicate /
 * conflict / gap / link in memory, then writes the new events in one {@code TransactWriteItems}: an
 * {@code Update} of the continuation item that moves the head, on condition that the item exists,
 * its lease generation is no newer than the fence and the head is still the one read; and one
 * {@code Put} per new event with {@code attribute_not_exists(sk)}. A concurrent writer that moved
 * the head or took a slot meanwhile fails a condition, and the append re-reads to tell a duplicate
 * from a conflict.
 */
final class DynamoEventLog implements EventLog {

  /**
   * DynamoDB's limit on the items of one transaction. An append uses one for the head update, so a
   * batch may carry at most {@code MAX_TRANSACTION_ITEMS - 1} events.
   */
  static final int MAX_TRANSACTION_ITEMS = 100;

  static final int MAX_BATCH = MAX_TRANSACTION_ITEMS - 1;

  /**
   * How often an append re-reads after a concurrent transaction collided with it; a collision means
   * another writer's transaction was in flight on the same items, which resolves in milliseconds.
   */
  static final int MAX_ATTEMPTS = 10;

  static final String GENERATION = "generation";
  static final String TYPE = "type";
  static final String HASH = "hash";
  static final String BODY = "body";

  private final DynamoDbClient client;
  private final DynamoTables tables;

  DynamoEventLog(DynamoDbClient client, DynamoTables tables) {
    this.client = client;
    this.tables = tables;
  }

  /** The conditional put that stores {@code event} unless its sequence is taken. */
  static Put put(String table, EventEnvelope event) {
    var item = new HashMap<String, AttributeValue>();
    item.put(PK, s(Items.continuationKey(event.tenant(), event.continuationId())));
    item.put(SK, n(event.sequence()));
    item.put(TENANT, s(event.tenant().value()));
    item.put(CONTINUATION_ID, s(event.continuationId().value()));
    item.put(GENERATION, n(event.generation()));
    item.put(TYPE, s(event.type().wire()));
    item.put(HASH, s(event.hash()));
    item.put(BODY, s(Json.write(event)));
    return Put.builder()
        .tableName(table)
        .item(item)
        .conditionExpression("attribute_not_exists(#sk)")
        .expressionAttributeNames(Map.of("#sk", SK))
        .build();
  }

  @Override
  public AppendResult append(
      TenantId tenant, ContinuationId id, long fence, List<EventEnvelope> events) {
    Objects.requireNonNull(events, "events");
    var ref = new ContinuationRef(tenant, id);
    EventLog.checkBatch(tenant, id, fence, events);
    if (events.size() > MAX_BATCH) {
      throw new IllegalArgumentException(
          "an append may carry at most "
              + MAX_BATCH
              + " events (DynamoDB's limit of "
              + MAX_TRANSACTION_ITEMS
              + " items per transaction, one of them the fence check); got "
              + events.size());
    }
    var batch = List.copyOf(events);
    for (int attempt = 1; ; attempt++) {
      Outcome outcome = tryAppend(ref, fence, batch);
      if (outcome.result() != null) return outcome.result();
      if (attempt == MAX_ATTEMPTS) {
        throw new ConflictException(
            "the log of " + ref + " kept changing under concurrent writers; retry the append");
      }
      if (outcome.collided()) backOff(attempt);
    }
  }

  /** One read-decide-write round: a result, or a request to re-read after a race. */
  private record Outcome(AppendResult result, boolean collided) {
    static final Outcome SLOT_TAKEN = new Outcome(null, false);
    static final Outcome COLLIDED = new Outcome(null, true);
  }

  private Outcome tryAppend(ContinuationRef ref, long fence, List<EventEnvelope> batch) {
    Head head = head(ref);
    FencedException.check("append to", ref, fence, head.generation());
    long first = batch.get(0).sequence();
    List<String> storedOverlap = List.of();
    if (first <= head.sequence()) {
      long overlapEnd = Math.min(head.sequence(), first + batch.size() - 1);
      List<String> stored = storedHashes(ref, first, overlapEnd);
      if (stored.size() != overlapEnd - first + 1) {
        throw new DynamoStoreException(
            "the log of " + ref + " has a hole below sequence " + head.sequence());
      }
      storedOverlap = stored;
    }
    int present =
        AppendPlan.alreadyPresent(ref, batch, storedOverlap, head.sequence(), head.hash());
    if (present == batch.size()) {
      return new Outcome(new AppendResult(0, present, head.sequence()), false);
    }

    var items = new ArrayList<TransactWriteItem>(batch.size() - present + 1);
    EventEnvelope last = batch.get(batch.size() - 1);
    items.add(TransactWriteItem.builder().update(moveHead(ref, fence, head, last)).build());
    for (int i = present; i < batch.size(); i++) {
      items.add(TransactWriteItem.builder().put(put(tables.events(), batch.get(i))).build());
    }
    var request = TransactWriteItemsRequest.builder().transactItems(items).build();
    int written = present;
    return sdk(
        "appending to " + ref,
        () -> {
          try {
            client.transactWriteItems(request);
            return new Outcome(
                new AppendResult(
                    batch.size() - written, written, batch.get(batch.size() - 1).sequence()),
                false);
          } catch (TransactionCanceledException e) {
            return cancelled(e, ref, fence);
          }
        });
  }

  /** Tells why the append transaction was cancelled; only races ask for another round. */
  private Outcome cancelled(TransactionCanceledException e, ContinuationRef ref, long fence) {
    List<String> codes = Items.reasonCodes(e);
    Items.rethrowUnexpected(e, codes, "appending to " + ref);
    if (CONDITIONAL_CHECK_FAILED.equals(codes.get(0))) {
      CancellationReason reason = e.cancellationReasons().get(0);
      long generation =
          reason.hasItem() && !reason.item().isEmpty()
              ? Items.number(reason.item(), GENERATION)
              : currentGeneration(ref);
      FencedException.check("append to", ref, fence, generation);
      // The fence holds, so another writer moved the log's head after our read: re-reading tells
      // a duplicate from a conflict.
      return Outcome.SLOT_TAKEN;
    }
    if (codes.subList(1, codes.size()).contains(CONDITIONAL_CHECK_FAILED)) {
      // Another writer took a sequence after our read: re-reading tells a duplicate from a
      // conflict.
      return Outcome.SLOT_TAKEN;
    }
    if (codes.contains(TRANSACTION_CONFLICT)) return Outcome.COLLIDED;
    throw new DynamoStoreException("appending to " + ref + " was cancelled: " + codes, e);
  }

  /** Moves the log head to {@code last}, if the fence holds and nobody moved the head since. */
  private Update moveHead(ContinuationRef ref, long fence, Head read, EventEnvelope last) {
    return Update.builder()
        .tableName(tables.continuations())
        .key(DynamoContinuationStore.key(ref.tenant(), ref.id()))
        .updateExpression("SET #headSeq = :last, #headHash = :lastHash")
        .conditionExpression("attribute_exists(#pk) AND #gen <= :fence AND #headSeq = :readSeq")
        .expressionAttributeNames(
            Map.of(
                "#pk", PK,
                "#gen", DynamoContinuationStore.GENERATION,
                "#headSeq", DynamoContinuationStore.LOG_HEAD_SEQUENCE,
                "#headHash", DynamoContinuationStore.LOG_HEAD_HASH))
        .expressionAttributeValues(
            Map.of(
                ":fence", n(fence),
                ":readSeq", n(read.sequence()),
                ":last", n(last.sequence()),
                ":lastHash", s(last.hash())))
        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
        .build();
  }

  /**
   * The lease generation of {@code ref}, read strongly consistently.
   *
   * @throws NotFoundException if the continuation does not exist for this tenant
   */
  private long currentGeneration(ContinuationRef ref) {
    return sdk(
        "reading the generation of " + ref,
        () ->
            Items.getConsistent(
                    client,
                    tables.continuations(),
                    DynamoContinuationStore.key(ref.tenant(), ref.id()))
                .map(item -> Items.number(item, DynamoContinuationStore.GENERATION))
                .orElseThrow(
                    () -> new NotFoundException("continuation " + ref + " does not exist")));
  }

  /** The continuation's lease generation and its log's last sequence and hash. */
  private record Head(long generation, long sequence, String hash) {}

  /**
   * Reads {@link Head} from the continuation item, strongly consistently.
   *
   * @throws NotFoundException if the continuation does not exist for this tenant
   */
  private Head head(ContinuationRef ref) {
    Map<String, AttributeValue> item =
        sdk(
            "reading the head of " + ref,
            () ->
                Items.getConsistent(
                        client,
                        tables.continuations(),
                        DynamoContinuationStore.key(ref.tenant(), ref.id()))
                    .orElseThrow(
                        () -> new NotFoundException("continuation " + ref + " does not exist")));
    return new Head(
        Items.number(item, DynamoContinuationStore.GENERATION),
        Items.number(item, DynamoContinuationStore.LOG_HEAD_SEQUENCE),
        Items.string(item, DynamoContinuationStore.LOG_HEAD_HASH));
  }

  private List<String> storedHashes(ContinuationRef ref, long from, long to) {
    var hashes = new ArrayList<String>();
    for (Map<String, AttributeValue> item : range(ref, from, to, HASH, (int) (to - from + 1))) {
      hashes.add(Items.string(item, HASH));
    }
    return hashes;
  }

  @Override
  public List<EventEnvelope> read(
      TenantId tenant, ContinuationId id, long afterSequence, int limit) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    if (limit < 0) throw new IllegalArgumentException("limit must not be negative");
    if (limit == 0 || afterSequence == Long.MAX_VALUE) return List.of();
    var ref = new ContinuationRef(tenant, id);
    return range(ref, afterSequence + 1, Long.MAX_VALUE, BODY, limit).stream()
        .map(item -> Json.read(Items.string(item, BODY), EventEnvelope.class))
        .toList();
  }

  /**
   * Up to {@code limit} event items with {@code from <= sequence <= to}, in order, holding the sort
   * key and {@code attribute}, following DynamoDB's 1 MB pages until the limit or the range is
   * exhausted.
   */
  private List<Map<String, AttributeValue>> range(
      ContinuationRef ref, long from, long to, String attribute, int limit) {
    var items = new ArrayList<Map<String, AttributeValue>>();
    Map<String, AttributeValue> start = null;
    do {
      var request =
          QueryRequest.builder()
              .tableName(tables.events())
              .keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
              .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK, "#attr", attribute))
              .expressionAttributeValues(
                  Map.of(
                      ":pk", s(Items.continuationKey(ref.tenant(), ref.id())),
                      ":from", n(from),
                      ":to", n(to)))
              .projectionExpression("#sk, #attr")
              .consistentRead(true)
              .limit(limit - items.size())
              .exclusiveStartKey(start)
              .build();
      QueryResponse page = sdk("reading the log of " + ref, () -> client.query(request));
      items.addAll(page.items());
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null && items.size() < limit);
    return items;
  }

  /** A short randomised pause so that colliding writers do not collide again in lockstep. */
  private static void backOff(int attempt) {
    long maxMicros = Math.min(50_000L, 1_000L << Math.min(attempt, 6));
    LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(maxMicros) * 1_000L);
  }
}
