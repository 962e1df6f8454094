package dev.maestro.azure.cosmos;

import static dev.maestro.azure.cosmos.Docs.CONTINUATION_ID;
import static dev.maestro.azure.cosmos.Docs.ETAG;
import static dev.maestro.azure.cosmos.Docs.ID;
import static dev.maestro.azure.cosmos.Docs.PK;
import static dev.maestro.azure.cosmos.Docs.TENANT;
import static dev.maestro.azure.cosmos.Docs.call;

import com.azure.cosmos.CosmosAsyncContainer;
import com.azure.cosmos.models.PartitionKey;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Timers in the {@code timers} container, as two documents per (tenant, continuation, wake id):
 *
 * <ul>
 *   <li>the <em>registration</em> (pk {@code tenant#continuationId}, id a hash of the wake id): the
 *       truth, holding the due time in epoch nanoseconds, the wake in canonical JSON and a nonce
 *       fresh per registration. {@link #pending} reads the continuation's partition.
 *   <li>the <em>due entry</em> (pk {@code timers#<bucket>}, {@link #BUCKETS} buckets by a hash of
 *       the continuation key): a copy of the due time and the nonce, so that {@link #due} can find
 *       wakes across all continuations without a query.
 * </ul>
 *
 * <p>Cost: {@link #due} and {@link #nextDueAt} read every bucket whole (single-partition read
 * feeds; their RU charge grows with the number of pending timers, not with the number due) and then
 * point-read each candidate's registration, which decides: a cancelled or acknowledged wake is
 * never delivered, a re-registered one is delivered with its current due time and payload, and an
 * entry whose registration is gone is deleted on sight. On Cosmos DB proper a single-partition
 * query ({@code WHERE dueAt <= @now ORDER BY dueAt}) over each bucket would read only the due
 * entries; this class keeps to read feeds because the emulator cannot serve queries.
 *
 * <p>Registration writes the registration first and the due entry second, each an upsert; a process
 * that dies between them leaves a wake that is pending but not yet due-visible until it is
 * registered again (the runtime's reconcile re-registers the timer of every unfinished
 * continuation). Cancel and acknowledge delete the registration first (acknowledge with {@code
 * If-Match}, only if it is still what was delivered) and then the due entry, only if it carries the
 * deleted registration's nonce, so a concurrent re-registration is never lost.
 */
final class CosmosTimerQueue implements TimerQueue {

  /** Buckets of the due index; changing it requires rewriting every due entry. */
  static final int BUCKETS = 4;

  static final String WAKE_ID = "wakeId";
  static final String DUE_AT = "dueAt";
  static final String WAKE = "wake";
  static final String NONCE = "nonce";

  private final CosmosAsyncContainer timers;

  CosmosTimerQueue(CosmosAsyncContainer timers) {
    this.timers = timers;
  }

  @Override
  public void register(ScheduledWake wake) {
    Objects.requireNonNull(wake, "wake");
    String nonce = UUID.randomUUID().toString();
    ObjectNode registration = Docs.object();
    registration.put(ID, registrationId(wake.wake().id()));
    registration.put(PK, Docs.continuationKey(wake.tenant(), wake.continuationId()));
    fill(registration, wake.tenant(), wake.continuationId(), wake.wake().id(), wake.dueAt(), nonce);
    registration.put(WAKE, canonical(wake.wake()));
    ObjectNode entry = Docs.object();
    entry.put(ID, entryId(wake.tenant(), wake.continuationId(), wake.wake().id()));
    entry.put(PK, bucketKey(wake.tenant(), wake.continuationId()));
    fill(entry, wake.tenant(), wake.continuationId(), wake.wake().id(), wake.dueAt(), nonce);
    call(
        "registering wake " + wake.wake().id() + " of " + wake.ref(),
        () -> {
          // An upsert replaces an earlier registration of the same key: never a duplicate.
          timers
              .upsertItem(registration, new PartitionKey(registration.get(PK).asText()), null)
              .block();
          timers.upsertItem(entry, new PartitionKey(entry.get(PK).asText()), null).block();
          return null;
        });
  }

  private static void fill(
      ObjectNode doc,
      TenantId tenant,
      ContinuationId id,
      String wakeId,
      Instant dueAt,
      String nonce) {
    doc.put(TENANT, tenant.value());
    doc.put(CONTINUATION_ID, id.value());
    doc.put(WAKE_ID, wakeId);
    doc.put(DUE_AT, EpochNanos.of(dueAt));
    doc.put(NONCE, nonce);
  }

  @Override
  public boolean cancel(TenantId tenant, ContinuationId id, String wakeId) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(wakeId, "wakeId");
    return call(
        "cancelling wake " + wakeId + " of " + tenant + "/" + id,
        () -> {
          Optional<ObjectNode> registration = registration(tenant, id, wakeId);
          if (registration.isEmpty()) return false;
          boolean removed =
              Docs.delete(
                  timers,
                  Docs.continuationKey(tenant, id),
                  registrationId(wakeId),
                  Docs.text(registration.get(), ETAG));
          if (removed) removeEntry(registration.get());
          return removed || registration(tenant, id, wakeId).isEmpty();
        });
  }

  @Override
  public List<ScheduledWake> pending(TenantId tenant, ContinuationId id) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    return call(
            "listing the wakes of " + tenant + "/" + id,
            () -> Docs.readPartition(timers, Docs.continuationKey(tenant, id)))
        .stream()
        .map(CosmosTimerQueue::wakeOf)
        .sorted(Comparator.comparing(ScheduledWake::dueAt).thenComparing(w -> w.wake().id()))
        .toList();
  }

  @Override
  public List<ScheduledWake> due(Instant now, int limit) {
    Objects.requireNonNull(now, "now");
    if (limit < 0) throw new IllegalArgumentException("limit must not be negative");
    if (limit == 0) return List.of();
    long nowNanos = EpochNanos.of(now);
    var due = new ArrayList<ScheduledWake>();
    for (ObjectNode entry : entries()) {
      if (Docs.number(entry, DUE_AT) > nowNanos) break;
      Optional<ScheduledWake> live = live(entry);
      if (live.isPresent() && !live.get().dueAt().isAfter(now)) due.add(live.get());
      if (due.size() == limit) break;
    }
    due.sort(ScheduledWake.DELIVERY_ORDER);
    return List.copyOf(due);
  }

  @Override
  public Optional<Instant> nextDueAt() {
    for (ObjectNode entry : entries()) {
      Optional<ScheduledWake> live = live(entry);
      if (live.isPresent()) return Optional.of(live.get().dueAt());
    }
    return Optional.empty();
  }

  @Override
  public void acknowledge(ScheduledWake delivered) {
    Objects.requireNonNull(delivered, "delivered");
    String wakeId = delivered.wake().id();
    call(
        "acknowledging wake " + wakeId + " of " + delivered.ref(),
        () -> {
          Optional<ObjectNode> stored =
              registration(delivered.tenant(), delivered.continuationId(), wakeId);
          // Re-registered with another due time or payload, or cancelled: the current
          // registration must survive, by contract.
          if (stored.isEmpty()) return null;
          ObjectNode registration = stored.get();
          if (Docs.number(registration, DUE_AT) != EpochNanos.of(delivered.dueAt())
              || !Docs.text(registration, WAKE).equals(canonical(delivered.wake()))) {
            return null;
          }
          if (Docs.delete(
              timers,
              Docs.continuationKey(delivered.tenant(), delivered.continuationId()),
              registrationId(wakeId),
              Docs.text(registration, ETAG))) {
            removeEntry(registration);
          }
          return null;
        });
  }

  /** Every due entry of every bucket, earliest first. */
  private List<ObjectNode> entries() {
    var all = new ArrayList<ObjectNode>();
    for (int bucket = 0; bucket < BUCKETS; bucket++) {
      String pk = "timers#" + bucket;
      all.addAll(call("polling due wakes", () -> Docs.readPartition(timers, pk)));
    }
    all.sort(Comparator.comparingLong((ObjectNode e) -> Docs.number(e, DUE_AT)));
    return all;
  }

  /** The current registration behind a due entry; an entry without one is deleted. */
  private Optional<ScheduledWake> live(ObjectNode entry) {
    TenantId tenant = TenantId.of(Docs.text(entry, TENANT));
    ContinuationId id = ContinuationId.of(Docs.text(entry, CONTINUATION_ID));
    String wakeId = Docs.text(entry, WAKE_ID);
    return call(
        "re-reading wake " + wakeId + " of " + tenant + "/" + id,
        () -> {
          Optional<ObjectNode> registration = registration(tenant, id, wakeId);
          if (registration.isEmpty()) {
            Docs.delete(timers, Docs.text(entry, PK), Docs.text(entry, ID), Docs.text(entry, ETAG));
          }
          return registration.map(CosmosTimerQueue::wakeOf);
        });
  }

  /** Deletes the due entry of {@code registration}, if it still carries its nonce. */
  private void removeEntry(ObjectNode registration) {
    TenantId tenant = TenantId.of(Docs.text(registration, TENANT));
    ContinuationId id = ContinuationId.of(Docs.text(registration, CONTINUATION_ID));
    String pk = bucketKey(tenant, id);
    String entryId = entryId(tenant, id, Docs.text(registration, WAKE_ID));
    Optional<ObjectNode> entry = Docs.read(timers, pk, entryId);
    if (entry.isPresent() && Docs.text(entry.get(), NONCE).equals(Docs.text(registration, NONCE))) {
      Docs.delete(timers, pk, entryId, Docs.text(entry.get(), ETAG));
    }
  }

  private Optional<ObjectNode> registration(TenantId tenant, ContinuationId id, String wakeId) {
    return Docs.read(timers, Docs.continuationKey(tenant, id), registrationId(wakeId));
  }

  static String registrationId(String wakeId) {
    return Docs.hashedId(wakeId);
  }

  static String entryId(TenantId tenant, ContinuationId id, String wakeId) {
    return Docs.hashedId(tenant.value(), id.value(), wakeId);
  }

  static String bucketKey(TenantId tenant, ContinuationId id) {
    return "timers#" + Math.floorMod(Docs.continuationKey(tenant, id).hashCode(), BUCKETS);
  }

  private static ScheduledWake wakeOf(ObjectNode doc) {
    return new ScheduledWake(
        TenantId.of(Docs.text(doc, TENANT)),
        ContinuationId.of(Docs.text(doc, CONTINUATION_ID)),
        EpochNanos.toInstant(Docs.number(doc, DUE_AT)),
        Json.read(Docs.text(doc, WAKE), Wake.class));
  }

  private static String canonical(Wake wake) {
    return new String(Json.canonical(wake), StandardCharsets.UTF_8);
  }
}
