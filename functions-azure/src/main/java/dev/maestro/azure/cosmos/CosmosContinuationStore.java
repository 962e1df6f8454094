package dev.maestro.azure.cosmos;

import static dev.maestro.azure.cosmos.Docs.CONTINUATION_ID;
import static dev.maestro.azure.cosmos.Docs.ETAG;
import static dev.maestro.azure.cosmos.Docs.ID;
import static dev.maestro.azure.cosmos.Docs.PK;
import static dev.maestro.azure.cosmos.Docs.TENANT;
import static dev.maestro.azure.cosmos.Docs.call;

import com.azure.cosmos.CosmosAsyncContainer;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Continuation documents in the {@code continuations} container: one per continuation (pk {@code
 * tenant#continuationId}, id the continuation id) holding the snapshot JSON, its {@code
 * lastSequence}, a {@code terminal} flag, the lease ({@code leaseHolder}, {@code leaseExpiresAt} in
 * epoch nanoseconds, {@code generation}), the log head ({@code logHeadSequence}, {@code
 * logHeadHash}) and the spawn event. Every write is a read followed by a replace with {@code
 * If-Match} on the document's {@code _etag}; a 412 means another writer got there first, and the
 * operation re-reads and decides again. Documents are never deleted, so the generation only grows.
 *
 * <p>The recovery scan reads an index of unfinished continuations kept in {@link
 * #UNFINISHED_BUCKETS} bucket partitions of the same container ({@code unfinished#<bucket>}),
 * written before the continuation document and removed after its terminal snapshot; every entry is
 * checked against its continuation document, so a stale entry is never reported (and is removed on
 * sight).
 */
final class CosmosContinuationStore implements ContinuationStore {

  static final String SNAPSHOT = "snapshot";
  static final String LAST_SEQUENCE = "lastSequence";
  static final String TERMINAL = "terminal";
  static final String GENERATION = "generation";
  static final String LEASE_HOLDER = "leaseHolder";
  static final String LEASE_EXPIRES_AT = "leaseExpiresAt";
  static final String LOG_HEAD_SEQUENCE = "logHeadSequence";
  static final String LOG_HEAD_HASH = "logHeadHash";

  /** The spawn event's JSON: stored here so that {@link #create} is one conditional write. */
  static final String SPAWN = "spawn";

  /** Buckets of the unfinished index; changing it requires rewriting every index entry. */
  static final int UNFINISHED_BUCKETS = 4;

  /** The expiry a released lease reports: before any {@code now}, so it is free at once. */
  static final Instant RELEASED = Instant.EPOCH;

  private final CosmosAsyncContainer container;
  private final CosmosAsyncContainer events;

  CosmosContinuationStore(CosmosAsyncContainer container, CosmosAsyncContainer events) {
    this.container = container;
    this.events = events;
  }

  @Override
  public void create(Continuation initial, EventEnvelope spawn) {
    ContinuationStore.checkCreate(initial, spawn);
    var ref = new ContinuationRef(initial.tenant(), initial.id());
    String pk = Docs.continuationKey(ref.tenant(), ref.id());
    ObjectNode doc = Docs.object();
    doc.put(ID, ref.id().value());
    doc.put(PK, pk);
    doc.put(TENANT, ref.tenant().value());
    doc.put(CONTINUATION_ID, ref.id().value());
    doc.put(SNAPSHOT, Json.write(initial));
    doc.put(LAST_SEQUENCE, initial.lastSequence());
    doc.put(TERMINAL, initial.status().isTerminal());
    doc.put(GENERATION, 0L);
    doc.put(LOG_HEAD_SEQUENCE, spawn.sequence());
    doc.put(LOG_HEAD_HASH, spawn.hash());
    doc.put(SPAWN, Json.write(spawn));
    call(
        "creating " + ref,
        () -> {
          if (!initial.status().isTerminal()) indexUnfinished(ref);
          // The commit point: one create of the continuation document, spawn event included.
          if (!Docs.create(container, pk, doc)) {
            throw new ConflictException("continuation " + ref + " already exists");
          }
          // A copy of the spawn event in the events container for consumers of that container;
          // readers take sequence 1 from the continuation document, so losing it loses nothing.
          CosmosEventLog.createEvent(events, spawn);
          return null;
        });
  }

  @Override
  public Optional<Continuation> find(TenantId tenant, ContinuationId id) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    return document(new ContinuationRef(tenant, id))
        .map(doc -> Json.read(Docs.text(doc, SNAPSHOT), Continuation.class));
  }

  @Override
  public void saveSnapshot(Continuation snapshot, long fence) {
    Objects.requireNonNull(snapshot, "snapshot");
    var ref = new ContinuationRef(snapshot.tenant(), snapshot.id());
    boolean saved =
        update(
            ref,
            doc -> {
              long generation = Docs.number(doc, GENERATION);
              FencedException.check("snapshot of", ref, fence, generation);
              // Snapshots only move forward: an older or equal one is ignored by contract.
              if (Docs.number(doc, LAST_SEQUENCE) >= snapshot.lastSequence()) return false;
              doc.put(SNAPSHOT, Json.write(snapshot));
              doc.put(LAST_SEQUENCE, snapshot.lastSequence());
              doc.put(TERMINAL, snapshot.status().isTerminal());
              return true;
            });
    if (saved && snapshot.status().isTerminal()) {
      call(
          "removing " + ref + " from the unfinished index",
          () -> Docs.delete(container, unfinishedKey(ref), unfinishedId(ref), null));
    }
  }

  @Override
  public Lease acquireLease(
      TenantId tenant, ContinuationId id, String holder, Duration ttl, Instant now) {
    var ref = new ContinuationRef(tenant, id);
    ContinuationStore.checkLeaseArguments(holder, ttl, now);
    Instant expiresAt = now.plus(ttl);
    long[] generation = new long[1];
    update(
        ref,
        doc -> {
          if (doc.hasNonNull(LEASE_HOLDER)) {
            Instant heldUntil = EpochNanos.toInstant(Docs.number(doc, LEASE_EXPIRES_AT));
            if (heldUntil.isAfter(now)) {
              throw new LeaseHeldException(
                  "the lease of " + ref + " is held until " + heldUntil, heldUntil);
            }
          }
          generation[0] = Docs.number(doc, GENERATION) + 1;
          doc.put(LEASE_HOLDER, holder);
          doc.put(LEASE_EXPIRES_AT, EpochNanos.of(expiresAt));
          doc.put(GENERATION, generation[0]);
          return true;
        });
    return new Lease(holder, expiresAt, generation[0]);
  }

  @Override
  public Lease renewLease(
      TenantId tenant, ContinuationId id, Lease lease, Duration ttl, Instant now) {
    var ref = new ContinuationRef(tenant, id);
    Objects.requireNonNull(lease, "lease");
    ContinuationStore.checkLeaseArguments(lease.holder(), ttl, now);
    Instant expiresAt = now.plus(ttl);
    update(
        ref,
        doc -> {
          if (!isCurrent(doc, lease)) {
            throw new FencedException(
                "the lease of "
                    + ref
                    + " was taken over (now generation "
                    + Docs.number(doc, GENERATION)
                    + ", renewing "
                    + lease.generation()
                    + ")");
          }
          doc.put(LEASE_EXPIRES_AT, EpochNanos.of(expiresAt));
          return true;
        });
    return new Lease(lease.holder(), expiresAt, lease.generation());
  }

  @Override
  public void releaseLease(TenantId tenant, ContinuationId id, Lease lease) {
    var ref = new ContinuationRef(tenant, id);
    Objects.requireNonNull(lease, "lease");
    if (document(ref).isEmpty()) return;
    update(
        ref,
        doc -> {
          // Releasing a lease that is no longer current does nothing, by contract.
          if (!isCurrent(doc, lease)) return false;
          doc.put(LEASE_EXPIRES_AT, EpochNanos.of(RELEASED));
          return true;
        });
  }

  private static boolean isCurrent(ObjectNode doc, Lease lease) {
    return Docs.number(doc, GENERATION) == lease.generation()
        && doc.hasNonNull(LEASE_HOLDER)
        && Docs.text(doc, LEASE_HOLDER).equals(lease.holder());
  }

  @Override
  public Optional<Lease> currentLease(TenantId tenant, ContinuationId id) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    return document(new ContinuationRef(tenant, id))
        .filter(doc -> doc.hasNonNull(LEASE_HOLDER))
        .map(
            doc ->
                new Lease(
                    Docs.text(doc, LEASE_HOLDER),
                    EpochNanos.toInstant(Docs.number(doc, LEASE_EXPIRES_AT)),
                    Docs.number(doc, GENERATION)));
  }

  /**
   * Reads every bucket of the unfinished index (single-partition read feeds), keeps the {@code
   * limit} smallest refs after {@code after}, and checks each against its continuation document.
   * Every page reads the whole index: for the runtime's rare recovery sweeps only.
   */
  @Override
  public List<ContinuationRef> scanUnfinished(ContinuationRef after, int limit) {
    if (limit < 1) throw new IllegalArgumentException("limit must be at least 1");
    var candidates = new TreeSet<ContinuationRef>(ContinuationRef.ORDER);
    var entries = new HashMap<ContinuationRef, ObjectNode>();
    for (int bucket = 0; bucket < UNFINISHED_BUCKETS; bucket++) {
      String pk = "unfinished#" + bucket;
      for (ObjectNode entry :
          call("scanning unfinished continuations", () -> Docs.readPartition(container, pk))) {
        var ref =
            new ContinuationRef(
                TenantId.of(Docs.text(entry, TENANT)),
                ContinuationId.of(Docs.text(entry, CONTINUATION_ID)));
        if (after != null && ContinuationRef.ORDER.compare(ref, after) <= 0) continue;
        candidates.add(ref);
        entries.put(ref, entry);
      }
    }
    var page = new ArrayList<ContinuationRef>();
    for (ContinuationRef ref : candidates) {
      if (page.size() == limit) break;
      Optional<ObjectNode> doc = document(ref);
      if (doc.isPresent() && !doc.get().path(TERMINAL).asBoolean(false)) {
        page.add(ref);
      } else if (doc.isPresent()) {
        // A terminal continuation whose entry outlived its last snapshot save: drop the entry.
        ObjectNode entry = entries.get(ref);
        call(
            "removing " + ref + " from the unfinished index",
            () ->
                Docs.delete(
                    container, unfinishedKey(ref), unfinishedId(ref), Docs.text(entry, ETAG)));
      }
      // No document: a create that has not committed (or never will); it stays invisible.
    }
    return List.copyOf(page);
  }

  private void indexUnfinished(ContinuationRef ref) {
    ObjectNode entry = Docs.object();
    entry.put(ID, unfinishedId(ref));
    entry.put(PK, unfinishedKey(ref));
    entry.put(TENANT, ref.tenant().value());
    entry.put(CONTINUATION_ID, ref.id().value());
    Docs.create(container, unfinishedKey(ref), entry);
  }

  private static String unfinishedKey(ContinuationRef ref) {
    String pk = Docs.continuationKey(ref.tenant(), ref.id());
    return "unfinished#" + Math.floorMod(pk.hashCode(), UNFINISHED_BUCKETS);
  }

  private static String unfinishedId(ContinuationRef ref) {
    return Docs.hashedId(ref.tenant().value(), ref.id().value());
  }

  /** The continuation document of {@code ref}, read at the account's consistency. */
  Optional<ObjectNode> document(ContinuationRef ref) {
    String pk = Docs.continuationKey(ref.tenant(), ref.id());
    return call("reading " + ref, () -> Docs.read(container, pk, ref.id().value()));
  }

  /** Replaces {@code ref}'s document with {@code doc} if its etag is still {@code etag}. */
  boolean replace(ContinuationRef ref, ObjectNode doc, String etag) {
    String pk = Docs.continuationKey(ref.tenant(), ref.id());
    return call("updating " + ref, () -> Docs.replaceIfMatch(container, pk, doc, etag));
  }

  /** A change to a continuation document: true to write it, false to leave it as it is. */
  @FunctionalInterface
  interface Change {
    boolean apply(ObjectNode doc);
  }

  /**
   * Reads {@code ref}'s document, applies {@code change} and replaces it with {@code If-Match} on
   * the etag read; on 412 reads and decides again. Returns whether it wrote.
   *
   * @throws NotFoundException if the continuation does not exist for this tenant
   */
  boolean update(ContinuationRef ref, Change change) {
    String pk = Docs.continuationKey(ref.tenant(), ref.id());
    while (true) {
      ObjectNode doc =
          document(ref)
              .orElseThrow(() -> new NotFoundException("continuation " + ref + " does not exist"));
      String etag = Docs.text(doc, ETAG);
      if (!change.apply(doc)) return false;
      if (call("updating " + ref, () -> Docs.replaceIfMatch(container, pk, doc, etag))) {
        return true;
      }
    }
  }
}
