package dev.maestro.aws.dynamodb;

import static dev.maestro.aws.dynamodb.Items.CONTINUATION_ID;
import static dev.maestro.aws.dynamodb.Items.PK;
import static dev.maestro.aws.dynamodb.Items.SK;
import static dev.maestro.aws.dynamodb.Items.TENANT;
import static dev.maestro.aws.dynamodb.Items.n;
import static dev.maestro.aws.dynamodb.Items.s;
import static dev.maestro.aws.dynamodb.Items.sdk;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.json.Json;
import dev.maestro.core.substrate.EpochNanos;
import dev.maestro.core.substrate.ScheduledWake;
import dev.maestro.core.substrate.TimerQueue;
import dev.maestro.core.wake.Wake;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Timers in the {@code timers} table, one item per (tenant, continuation, wake id): pk {@code
 * tenant#continuationId}, sk the wake id, the due time in epoch nanoseconds and the wake in
 * canonical JSON (sorted keys), so two equal wakes are equal text and {@link #acknowledge} can
 * delete only exactly what was delivered.
 *
 * <p>Finding due wakes across all continuations uses the global secondary index {@value
 * DynamoTables#TIMERS_BY_DUE_INDEX} (pk {@code dueShard}, sk {@code dueAt}). The shard is a hash of
 * the item's partition key into {@link #SHARDS} buckets: one constant partition would cap the
 * index's write rate at one partition's throughput, while a few buckets spread writes at the cost
 * of one Query per bucket per poll, merged in memory. Index reads are only eventually consistent,
 * so every candidate is re-read strongly consistently from the table before it is delivered: a
 * cancelled or acknowledged wake is never delivered again, and a re-registered one is delivered
 * with its current due time and payload. A just-registered wake may reach the index a moment late,
 * which polling at least once tolerates.
 */
final class DynamoTimerQueue implements TimerQueue {

  /** Buckets of the due-time index; changing it requires rewriting every timer item. */
  static final int SHARDS = 4;

  static final String DUE_AT = "dueAt";
  static final String DUE_SHARD = "dueShard";
  static final String WAKE = "wake";

  /** DynamoDB's limit on the keys of one {@code BatchGetItem}. */
  private static final int BATCH_GET_LIMIT = 100;

  private final DynamoDbClient client;
  private final DynamoTables tables;

  DynamoTimerQueue(DynamoDbClient client, DynamoTables tables) {
    this.client = client;
    this.tables = tables;
  }

  @Override
  public void register(ScheduledWake wake) {
    Objects.requireNonNull(wake, "wake");
    String pk = Items.continuationKey(wake.tenant(), wake.continuationId());
    var item = new HashMap<String, AttributeValue>();
    item.put(PK, s(pk));
    item.put(SK, s(wake.wake().id()));
    item.put(TENANT, s(wake.tenant().value()));
    item.put(CONTINUATION_ID, s(wake.continuationId().value()));
    item.put(DUE_AT, n(EpochNanos.of(wake.dueAt())));
    item.put(DUE_SHARD, n(shard(pk)));
    item.put(WAKE, s(canonical(wake.wake())));
    // An unconditional put replaces an earlier registration of the same key: never a duplicate.
    sdk(
        "registering wake " + wake.wake().id() + " of " + wake.ref(),
        () ->
            client.putItem(PutItemRequest.builder().tableName(tables.timers()).item(item).build()));
  }

  @Override
  public boolean cancel(TenantId tenant, ContinuationId id, String wakeId) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(wakeId, "wakeId");
    var request =
        DeleteItemRequest.builder()
            .tableName(tables.timers())
            .key(key(Items.continuationKey(tenant, id), wakeId))
            .returnValues(ReturnValue.ALL_OLD)
            .build();
    var response =
        sdk(
            "cancelling wake " + wakeId + " of " + tenant + "/" + id,
            () -> client.deleteItem(request));
    return response.hasAttributes() && !response.attributes().isEmpty();
  }

  @Override
  public List<ScheduledWake> pending(TenantId tenant, ContinuationId id) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    var wakes = new ArrayList<ScheduledWake>();
    Map<String, AttributeValue> start = null;
    do {
      var request =
          QueryRequest.builder()
              .tableName(tables.timers())
              .keyConditionExpression("#pk = :pk")
              .expressionAttributeNames(Map.of("#pk", PK))
              .expressionAttributeValues(Map.of(":pk", s(Items.continuationKey(tenant, id))))
              .consistentRead(true)
              .exclusiveStartKey(start)
              .build();
      QueryResponse page =
          sdk("listing the wakes of " + tenant + "/" + id, () -> client.query(request));
      page.items().forEach(item -> wakes.add(wakeOf(item)));
      start = lastKey(page);
    } while (start != null);
    wakes.sort(Comparator.comparing(ScheduledWake::dueAt).thenComparing(w -> w.wake().id()));
    return List.copyOf(wakes);
  }

  @Override
  public List<ScheduledWake> due(Instant now, int limit) {
    Objects.requireNonNull(now, "now");
    if (limit < 0) throw new IllegalArgumentException("limit must not be negative");
    if (limit == 0) return List.of();
    long nowNanos = EpochNanos.of(now);
    var candidates = new ArrayList<Map<String, AttributeValue>>();
    for (int shard = 0; shard < SHARDS; shard++) {
      candidates.addAll(dueInShard(shard, nowNanos, limit));
    }
    return live(candidates).stream()
        .map(DynamoTimerQueue::wakeOf)
        .filter(w -> !w.dueAt().isAfter(now))
        .sorted(ScheduledWake.DELIVERY_ORDER)
        .limit(limit)
        .toList();
  }

  @Override
  public Optional<Instant> nextDueAt() {
    Optional<Instant> earliest = Optional.empty();
    for (int shard = 0; shard < SHARDS; shard++) {
      Optional<Instant> inShard = earliestInShard(shard);
      if (inShard.isPresent() && (earliest.isEmpty() || inShard.get().isBefore(earliest.get()))) {
        earliest = inShard;
      }
    }
    return earliest;
  }

  @Override
  public void acknowledge(ScheduledWake delivered) {
    Objects.requireNonNull(delivered, "delivered");
    var request =
        DeleteItemRequest.builder()
            .tableName(tables.timers())
            .key(
                key(
                    Items.continuationKey(delivered.tenant(), delivered.continuationId()),
                    delivered.wake().id()))
            .conditionExpression("#due = :due AND #wake = :wake")
            .expressionAttributeNames(Map.of("#due", DUE_AT, "#wake", WAKE))
            .expressionAttributeValues(
                Map.of(
                    ":due", n(EpochNanos.of(delivered.dueAt())),
                    ":wake", s(canonical(delivered.wake()))))
            .build();
    sdk(
        "acknowledging wake " + delivered.wake().id() + " of " + delivered.ref(),
        () -> {
          try {
            return client.deleteItem(request);
          } catch (ConditionalCheckFailedException changedSinceDelivery) {
            // Re-registered with another due time or payload, or cancelled: the current
            // registration must survive, by contract.
            return null;
          }
        });
  }

  /** Up to {@code limit} index items of {@code shard} due at {@code nowNanos}, earliest first. */
  private List<Map<String, AttributeValue>> dueInShard(int shard, long nowNanos, int limit) {
    var items = new ArrayList<Map<String, AttributeValue>>();
    Map<String, AttributeValue> start = null;
    do {
      var request =
          QueryRequest.builder()
              .tableName(tables.timers())
              .indexName(DynamoTables.TIMERS_BY_DUE_INDEX)
              .keyConditionExpression("#shard = :shard AND #due <= :now")
              .expressionAttributeNames(Map.of("#shard", DUE_SHARD, "#due", DUE_AT))
              .expressionAttributeValues(Map.of(":shard", n(shard), ":now", n(nowNanos)))
              .limit(limit - items.size())
              .exclusiveStartKey(start)
              .build();
      QueryResponse page = sdk("polling due wakes", () -> client.query(request));
      items.addAll(page.items());
      start = lastKey(page);
    } while (start != null && items.size() < limit);
    return items;
  }

  /** The due time of {@code shard}'s earliest wake that the table still holds. */
  private Optional<Instant> earliestInShard(int shard) {
    Map<String, AttributeValue> start = null;
    do {
      var request =
          QueryRequest.builder()
              .tableName(tables.timers())
              .indexName(DynamoTables.TIMERS_BY_DUE_INDEX)
              .keyConditionExpression("#shard = :shard")
              .expressionAttributeNames(Map.of("#shard", DUE_SHARD))
              .expressionAttributeValues(Map.of(":shard", n(shard)))
              .limit(10)
              .exclusiveStartKey(start)
              .build();
      QueryResponse page = sdk("finding the next due wake", () -> client.query(request));
      Optional<Instant> earliest =
          live(page.items()).stream()
              .map(item -> EpochNanos.toInstant(Items.number(item, DUE_AT)))
              .min(Comparator.naturalOrder());
      if (earliest.isPresent()) return earliest;
      start = lastKey(page);
    } while (start != null);
    return Optional.empty();
  }

  /**
   * The current table items of {@code candidates} (read from the index), read strongly
   * consistently; candidates deleted since the index saw them are dropped.
   */
  private List<Map<String, AttributeValue>> live(List<Map<String, AttributeValue>> candidates) {
    var keys = new LinkedHashMap<String, Map<String, AttributeValue>>();
    for (Map<String, AttributeValue> c : candidates) {
      String pk = Items.string(c, PK);
      String sk = Items.string(c, SK);
      keys.put(pk + "\u0000" + sk, key(pk, sk));
    }
    var all = new ArrayList<>(keys.values());
    var found = new ArrayList<Map<String, AttributeValue>>();
    for (int from = 0; from < all.size(); from += BATCH_GET_LIMIT) {
      List<Map<String, AttributeValue>> chunk =
          all.subList(from, Math.min(all.size(), from + BATCH_GET_LIMIT));
      Map<String, KeysAndAttributes> pending =
          Map.of(
              tables.timers(),
              KeysAndAttributes.builder().keys(chunk).consistentRead(true).build());
      for (int round = 0; !pending.isEmpty(); round++) {
        // Unprocessed keys mean the table is throttling: wait a little longer each round.
        if (round > 0) LockSupport.parkNanos(Math.min(round, 10) * 20_000_000L);
        var request = BatchGetItemRequest.builder().requestItems(pending).build();
        BatchGetItemResponse response =
            sdk("re-reading due wakes", () -> client.batchGetItem(request));
        found.addAll(response.responses().getOrDefault(tables.timers(), List.of()));
        pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
      }
    }
    return found;
  }

  private static Map<String, AttributeValue> key(String pk, String wakeId) {
    return Map.of(PK, s(pk), SK, s(wakeId));
  }

  /** The index bucket of a timer item: a stable hash of its partition key. */
  static int shard(String pk) {
    return Math.floorMod(pk.hashCode(), SHARDS);
  }

  private static ScheduledWake wakeOf(Map<String, AttributeValue> item) {
    return new ScheduledWake(
        TenantId.of(Items.string(item, TENANT)),
        ContinuationId.of(Items.string(item, CONTINUATION_ID)),
        EpochNanos.toInstant(Items.number(item, DUE_AT)),
        Json.read(Items.string(item, WAKE), Wake.class));
  }

  private static Map<String, AttributeValue> lastKey(QueryResponse page) {
    return page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
        ? page.lastEvaluatedKey()
        : null;
  }

  private static String canonical(Wake wake) {
    return new String(Json.canonical(wake), StandardCharsets.UTF_8);
  }
}
