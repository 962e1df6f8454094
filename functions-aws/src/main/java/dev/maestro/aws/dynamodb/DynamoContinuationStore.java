package dev.maestro.aws.dynamodb;

import static dev.maestro.aws.dynamodb.Items.CONTINUATION_ID;
import static dev.maestro.aws.dynamodb.Items.PK;
import static dev.maestro.aws.dynamodb.Items.TENANT;
import static dev.maestro.aws.dynamodb.Items.bool;
import static dev.maestro.aws.dynamodb.Items.n;
import static dev.maestro.aws.dynamodb.Items.s;
import static dev.maestro.aws.dynamodb.Items.sdk;

import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.ConflictException;
import dev.maestro.core.error.FencedException;
import dev.maestro.core.error.LeaseHeldException;
import dev.maestro.core.error.NotFoundException;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.json.Json;
import dev.maestro.core.lease.Lease;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.substrate.ContinuationStore;
import dev.maestro.core.substrate.EpochNanos;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Continuation snapshots and leases in the {@code continuations} table: one item per continuation
 * (pk {@code tenant#continuationId}) holding the snapshot JSON, its {@code lastSequence}, a {@code
 * terminal} flag for the recovery scan, and the lease ({@code leaseHolder}, {@code leaseExpiresAt}
 * in epoch nanoseconds, {@code generation}). Items are never deleted, so the generation only grows;
 * a released lease keeps holder and generation and expires at the epoch. Every write is one
 * conditional request, so DynamoDB itself arbitrates racing workers; every read is strongly
 * consistent.
 */
final class DynamoContinuationStore implements ContinuationStore {

  static final String SNAPSHOT = "snapshot";
  static final String LAST_SEQUENCE = "lastSequence";
  static final String TERMINAL = "terminal";
  static final String GENERATION = "generation";
  static final String LEASE_HOLDER = "leaseHolder";
  static final String LEASE_EXPIRES_AT = "leaseExpiresAt";

  /**
   * The log's last sequence and hash, kept on the continuation item by every append's transaction
   * so that an append needs one read (this item) instead of two (this item and the log's tail).
   */
  static final String LOG_HEAD_SEQUENCE = "logHeadSequence";

  static final String LOG_HEAD_HASH = "logHeadHash";

  /** The attribute names every lease update's expressions use. */
  private static final Map<String, String> LEASE_NAMES =
      Map.of("#pk", PK, "#holder", LEASE_HOLDER, "#expires", LEASE_EXPIRES_AT, "#gen", GENERATION);

  /** The expiry a released lease reports: before any {@code now}, so it is free at once. */
  static final Instant RELEASED = Instant.EPOCH;

  private final DynamoDbClient client;
  private final DynamoTables tables;

  DynamoContinuationStore(DynamoDbClient client, DynamoTables tables) {
    this.client = client;
    this.tables = tables;
  }

  static Map<String, AttributeValue> key(TenantId tenant, ContinuationId id) {
    return Map.of(PK, s(Items.continuationKey(tenant, id)));
  }

  @Override
  public void create(Continuation initial, EventEnvelope spawn) {
    ContinuationStore.checkCreate(initial, spawn);
    var ref = new ContinuationRef(initial.tenant(), initial.id());
    var item = new HashMap<String, AttributeValue>(key(ref.tenant(), ref.id()));
    item.put(TENANT, s(ref.tenant().value()));
    item.put(CONTINUATION_ID, s(ref.id().value()));
    item.put(SNAPSHOT, s(Json.write(initial)));
    item.put(LAST_SEQUENCE, n(initial.lastSequence()));
    item.put(TERMINAL, bool(initial.status().isTerminal()));
    item.put(GENERATION, n(0));
    item.put(LOG_HEAD_SEQUENCE, n(spawn.sequence()));
    item.put(LOG_HEAD_HASH, s(spawn.hash()));
    Put continuation =
        Put.builder()
            .tableName(tables.continuations())
            .item(item)
            .conditionExpression("attribute_not_exists(#pk)")
            .expressionAttributeNames(Map.of("#pk", PK))
            .build();
    Put event = DynamoEventLog.put(tables.events(), spawn);
    var request =
        TransactWriteItemsRequest.builder()
            .transactItems(
                TransactWriteItem.builder().put(continuation).build(),
                TransactWriteItem.builder().put(event).build())
            .build();
    sdk(
        "creating " + ref,
        () -> {
          try {
            return client.transactWriteItems(request);
          } catch (TransactionCanceledException e) {
            List<String> codes = Items.reasonCodes(e);
            Items.rethrowUnexpected(e, codes, "creating " + ref);
            // An existing item, an orphaned spawn event or a concurrent create of the same id all
            // mean the id is taken.
            throw new ConflictException("continuation " + ref + " already exists");
          }
        });
  }

  @Override
  public Optional<Continuation> find(TenantId tenant, ContinuationId id) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    return item(tenant, id)
        .map(item -> Json.read(Items.string(item, SNAPSHOT), Continuation.class));
  }

  @Override
  public void saveSnapshot(Continuation snapshot, long fence) {
    Objects.requireNonNull(snapshot, "snapshot");
    var ref = new ContinuationRef(snapshot.tenant(), snapshot.id());
    var request =
        UpdateItemRequest.builder()
            .tableName(tables.continuations())
            .key(key(ref.tenant(), ref.id()))
            .updateExpression("SET #snapshot = :snapshot, #seq = :seq, #terminal = :terminal")
            .conditionExpression("attribute_exists(#pk) AND #gen <= :fence AND #seq < :seq")
            .expressionAttributeNames(
                Map.of(
                    "#pk", PK,
                    "#snapshot", SNAPSHOT,
                    "#seq", LAST_SEQUENCE,
                    "#terminal", TERMINAL,
                    "#gen", GENERATION))
            .expressionAttributeValues(
                Map.of(
                    ":snapshot", s(Json.write(snapshot)),
                    ":seq", n(snapshot.lastSequence()),
                    ":terminal", bool(snapshot.status().isTerminal()),
                    ":fence", n(fence)))
            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
            .build();
    sdk(
        "saving the snapshot of " + ref,
        () -> {
          try {
            return client.updateItem(request);
          } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> stored =
                failedItem(e, ref)
                    .orElseThrow(
                        () -> new NotFoundException("continuation " + ref + " does not exist"));
            long generation = Items.number(stored, GENERATION);
            FencedException.check("snapshot of", ref, fence, generation);
            // The stored snapshot is as new or newer: snapshots only move forward, and an older
            // one is ignored by contract.
            return null;
          }
        });
  }

  @Override
  public Lease acquireLease(
      TenantId tenant, ContinuationId id, String holder, Duration ttl, Instant now) {
    var ref = new ContinuationRef(tenant, id);
    ContinuationStore.checkLeaseArguments(holder, ttl, now);
    Instant expiresAt = now.plus(ttl);
    var request =
        UpdateItemRequest.builder()
            .tableName(tables.continuations())
            .key(key(tenant, id))
            .updateExpression("SET #holder = :holder, #expires = :expires, #gen = #gen + :one")
            .conditionExpression(
                "attribute_exists(#pk) AND (attribute_not_exists(#holder) OR #expires <= :now)")
            .expressionAttributeNames(LEASE_NAMES)
            .expressionAttributeValues(
                Map.of(
                    ":holder", s(holder),
                    ":expires", n(EpochNanos.of(expiresAt)),
                    ":now", n(EpochNanos.of(now)),
                    ":one", n(1)))
            .returnValues(ReturnValue.UPDATED_NEW)
            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
            .build();
    return sdk(
        "acquiring the lease of " + ref,
        () -> {
          try {
            var response = client.updateItem(request);
            return new Lease(holder, expiresAt, Items.number(response.attributes(), GENERATION));
          } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> stored =
                failedItem(e, ref)
                    .orElseThrow(
                        () -> new NotFoundException("continuation " + ref + " does not exist"));
            Instant heldUntil = EpochNanos.toInstant(Items.number(stored, LEASE_EXPIRES_AT));
            throw new LeaseHeldException(
                "the lease of " + ref + " is held until " + heldUntil, heldUntil);
          }
        });
  }

  @Override
  public Lease renewLease(
      TenantId tenant, ContinuationId id, Lease lease, Duration ttl, Instant now) {
    var ref = new ContinuationRef(tenant, id);
    Objects.requireNonNull(lease, "lease");
    ContinuationStore.checkLeaseArguments(lease.holder(), ttl, now);
    Instant expiresAt = now.plus(ttl);
    var request = setExpiryIfCurrent(ref, lease, expiresAt);
    return sdk(
        "renewing the lease of " + ref,
        () -> {
          try {
            client.updateItem(request);
            return new Lease(lease.holder(), expiresAt, lease.generation());
          } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> stored =
                failedItem(e, ref)
                    .orElseThrow(
                        () -> new NotFoundException("continuation " + ref + " does not exist"));
            throw new FencedException(
                "the lease of "
                    + ref
                    + " was taken over (now generation "
                    + Items.number(stored, GENERATION)
                    + ", renewing "
                    + lease.generation()
                    + ")");
          }
        });
  }

  /**
   * Sets the lease's expiry, on condition that {@code lease} is still the current lease (same
   * generation and holder); on failure the stored item is returned for diagnosis.
   */
  private UpdateItemRequest setExpiryIfCurrent(
      ContinuationRef ref, Lease lease, Instant expiresAt) {
    return UpdateItemRequest.builder()
        .tableName(tables.continuations())
        .key(key(ref.tenant(), ref.id()))
        .updateExpression("SET #expires = :expires")
        .conditionExpression("attribute_exists(#pk) AND #gen = :gen AND #holder = :holder")
        .expressionAttributeNames(LEASE_NAMES)
        .expressionAttributeValues(
            Map.of(
                ":holder", s(lease.holder()),
                ":expires", n(EpochNanos.of(expiresAt)),
                ":gen", n(lease.generation())))
        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
        .build();
  }

  @Override
  public void releaseLease(TenantId tenant, ContinuationId id, Lease lease) {
    var ref = new ContinuationRef(tenant, id);
    Objects.requireNonNull(lease, "lease");
    var request = setExpiryIfCurrent(ref, lease, RELEASED);
    sdk(
        "releasing the lease of " + ref,
        () -> {
          try {
            return client.updateItem(request);
          } catch (ConditionalCheckFailedException notCurrent) {
            // The lease was taken over (or never existed for this tenant): releasing a lease that
            // is no longer current does nothing, by contract.
            return null;
          }
        });
  }

  @Override
  public Optional<Lease> currentLease(TenantId tenant, ContinuationId id) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    return item(tenant, id)
        .filter(item -> item.containsKey(LEASE_HOLDER))
        .map(
            item ->
                new Lease(
                    Items.string(item, LEASE_HOLDER),
                    EpochNanos.toInstant(Items.number(item, LEASE_EXPIRES_AT)),
                    Items.number(item, GENERATION)));
  }

  /**
   * Scans the whole table with a filter on {@code terminal} and keeps the {@code limit} smallest
   * refs after {@code after}. Every page therefore reads the whole table: this is for the runtime's
   * rare recovery sweeps only, never for a request path. A sweep over a large table should instead
   * use a parallel Scan of its own.
   */
  @Override
  public List<ContinuationRef> scanUnfinished(ContinuationRef after, int limit) {
    if (limit < 1) throw new IllegalArgumentException("limit must be at least 1");
    var smallest = new TreeSet<ContinuationRef>(ContinuationRef.ORDER);
    Map<String, AttributeValue> start = null;
    do {
      var request =
          ScanRequest.builder()
              .tableName(tables.continuations())
              .consistentRead(true)
              .projectionExpression("#tenant, #id")
              .filterExpression("#terminal = :false")
              .expressionAttributeNames(
                  Map.of("#tenant", TENANT, "#id", CONTINUATION_ID, "#terminal", TERMINAL))
              .expressionAttributeValues(Map.of(":false", bool(false)))
              .exclusiveStartKey(start)
              .build();
      ScanResponse page = sdk("scanning unfinished continuations", () -> client.scan(request));
      for (Map<String, AttributeValue> item : page.items()) {
        var ref =
            new ContinuationRef(
                TenantId.of(Items.string(item, TENANT)),
                ContinuationId.of(Items.string(item, CONTINUATION_ID)));
        if (after != null && ContinuationRef.ORDER.compare(ref, after) <= 0) continue;
        smallest.add(ref);
        if (smallest.size() > limit) smallest.pollLast();
      }
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null);
    return List.copyOf(smallest);
  }

  private Optional<Map<String, AttributeValue>> item(TenantId tenant, ContinuationId id) {
    return sdk(
        "reading " + tenant + "/" + id,
        () -> Items.getConsistent(client, tables.continuations(), key(tenant, id)));
  }

  /**
   * The item whose condition failed: the one DynamoDB returned with the failure, or (where it
   * returned none) a fresh consistent read. Empty when the continuation does not exist.
   */
  private Optional<Map<String, AttributeValue>> failedItem(
      ConditionalCheckFailedException e, ContinuationRef ref) {
    if (e.hasItem() && !e.item().isEmpty()) return Optional.of(e.item());
    return Items.getConsistent(client, tables.continuations(), key(ref.tenant(), ref.id()));
  }
}
