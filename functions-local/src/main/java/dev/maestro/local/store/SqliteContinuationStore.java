package dev.maestro.local.store;

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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Continuation snapshots and leases in SQLite. The {@code leases} row is created with the
 * continuation and never deleted, so its generation only grows; a released lease keeps its holder
 * and generation and gets an expiry at the epoch, which is never live. Every key carries the
 * tenant.
 */
final class SqliteContinuationStore implements ContinuationStore {

  /** The expiry a released lease reports: before any {@code now}, so it is free at once. */
  static final Instant RELEASED = Instant.EPOCH;

  private final SqliteDatabase db;

  SqliteContinuationStore(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public void create(Continuation initial, EventEnvelope spawn) {
    ContinuationStore.checkCreate(initial, spawn);
    var ref = new ContinuationRef(initial.tenant(), initial.id());
    String snapshot = Json.write(initial);
    String spawnJson = Json.write(spawn);
    db.write(
        s -> {
          PreparedStatement insert =
              s.prepare(
                  """
          INSERT INTO continuations (tenant, id, last_sequence, terminal, snapshot) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (tenant, id) DO NOTHING""");
          insert.setString(1, ref.tenant().value());
          insert.setString(2, ref.id().value());
          insert.setLong(3, initial.lastSequence());
          insert.setInt(4, initial.status().isTerminal() ? 1 : 0);
          insert.setString(5, snapshot);
          if (insert.executeUpdate() == 0)
            throw new ConflictException("continuation " + ref + " already exists");
          PreparedStatement lease =
              s.prepare(
                  """
          INSERT INTO leases (tenant, continuation_id, holder, expires_at_ns, generation) VALUES (?, ?, NULL, 0, 0)""");
          lease.setString(1, ref.tenant().value());
          lease.setString(2, ref.id().value());
          lease.executeUpdate();
          SqliteEventLog.insert(s, spawn, spawnJson);
          return null;
        });
  }

  @Override
  public Optional<Continuation> find(TenantId tenant, ContinuationId id) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    return db.read(
        s -> {
          PreparedStatement select =
              s.prepare("SELECT snapshot FROM continuations WHERE tenant = ? AND id = ?");
          select.setString(1, tenant.value());
          select.setString(2, id.value());
          try (ResultSet rs = select.executeQuery()) {
            return rs.next()
                ? Optional.of(Json.read(rs.getString(1), Continuation.class))
                : Optional.empty();
          }
        });
  }

  @Override
  public void saveSnapshot(Continuation snapshot, long fence) {
    Objects.requireNonNull(snapshot, "snapshot");
    var ref = new ContinuationRef(snapshot.tenant(), snapshot.id());
    String json = Json.write(snapshot);
    db.write(
        s -> {
          long generation = leaseRow(s, ref).generation();
          FencedException.check("snapshot of", ref, fence, generation);
          PreparedStatement update =
              s.prepare(
                  """
          UPDATE continuations SET snapshot = ?, last_sequence = ?, terminal = ?
          WHERE tenant = ? AND id = ? AND last_sequence < ?""");
          update.setString(1, json);
          update.setLong(2, snapshot.lastSequence());
          update.setInt(3, snapshot.status().isTerminal() ? 1 : 0);
          update.setString(4, ref.tenant().value());
          update.setString(5, ref.id().value());
          update.setLong(6, snapshot.lastSequence());
          update.executeUpdate();
          return null;
        });
  }

  @Override
  public Lease acquireLease(
      TenantId tenant, ContinuationId id, String holder, Duration ttl, Instant now) {
    var ref = new ContinuationRef(tenant, id);
    ContinuationStore.checkLeaseArguments(holder, ttl, now);
    Instant expiresAt = now.plus(ttl);
    long nowNs = EpochNanos.of(now);
    long expiresNs = EpochNanos.of(expiresAt);
    return db.write(
        s -> {
          LeaseRow current = leaseRow(s, ref);
          if (current.holder() != null && nowNs < current.expiresAtNs()) {
            Instant heldUntil = EpochNanos.toInstant(current.expiresAtNs());
            throw new LeaseHeldException(
                "the lease of " + ref + " is held until " + heldUntil, heldUntil);
          }
          long generation = current.generation() + 1;
          updateLease(s, ref, holder, expiresNs, generation);
          return new Lease(holder, expiresAt, generation);
        });
  }

  @Override
  public Lease renewLease(
      TenantId tenant, ContinuationId id, Lease lease, Duration ttl, Instant now) {
    var ref = new ContinuationRef(tenant, id);
    Objects.requireNonNull(lease, "lease");
    ContinuationStore.checkLeaseArguments(lease.holder(), ttl, now);
    Instant expiresAt = now.plus(ttl);
    long expiresNs = EpochNanos.of(expiresAt);
    return db.write(
        s -> {
          LeaseRow current = leaseRow(s, ref);
          if (current.generation() != lease.generation()
              || !lease.holder().equals(current.holder())) {
            throw new FencedException(
                "the lease of "
                    + ref
                    + " was taken over (now generation "
                    + current.generation()
                    + ", renewing "
                    + lease.generation()
                    + ")");
          }
          updateLease(s, ref, lease.holder(), expiresNs, lease.generation());
          return new Lease(lease.holder(), expiresAt, lease.generation());
        });
  }

  @Override
  public void releaseLease(TenantId tenant, ContinuationId id, Lease lease) {
    var ref = new ContinuationRef(tenant, id);
    Objects.requireNonNull(lease, "lease");
    db.write(
        s -> {
          PreparedStatement release =
              s.prepare(
                  """
          UPDATE leases SET expires_at_ns = ?
          WHERE tenant = ? AND continuation_id = ? AND generation = ? AND holder = ?""");
          release.setLong(1, EpochNanos.of(RELEASED));
          release.setString(2, ref.tenant().value());
          release.setString(3, ref.id().value());
          release.setLong(4, lease.generation());
          release.setString(5, lease.holder());
          release.executeUpdate();
          return null;
        });
  }

  @Override
  public Optional<Lease> currentLease(TenantId tenant, ContinuationId id) {
    var ref = new ContinuationRef(tenant, id);
    return db.read(
        s -> {
          Optional<LeaseRow> row = findLeaseRow(s, ref);
          return row.filter(r -> r.holder() != null)
              .map(
                  r ->
                      new Lease(r.holder(), EpochNanos.toInstant(r.expiresAtNs()), r.generation()));
        });
  }

  @Override
  public List<ContinuationRef> scanUnfinished(ContinuationRef after, int limit) {
    if (limit < 1) throw new IllegalArgumentException("limit must be at least 1");
    return db.read(
        s -> {
          PreparedStatement select;
          if (after == null) {
            select =
                s.prepare(
                    "SELECT tenant, id FROM continuations WHERE terminal = 0 ORDER BY tenant, id LIMIT ?");
            select.setInt(1, limit);
          } else {
            select =
                s.prepare(
                    """
            SELECT tenant, id FROM continuations WHERE terminal = 0 AND (tenant, id) > (?, ?)
            ORDER BY tenant, id LIMIT ?""");
            select.setString(1, after.tenant().value());
            select.setString(2, after.id().value());
            select.setInt(3, limit);
          }
          var page = new ArrayList<ContinuationRef>();
          try (ResultSet rs = select.executeQuery()) {
            while (rs.next())
              page.add(
                  new ContinuationRef(
                      TenantId.of(rs.getString(1)), ContinuationId.of(rs.getString(2))));
          }
          return List.copyOf(page);
        });
  }

  /** A continuation's lease row; {@code holder} is null until the first acquisition. */
  record LeaseRow(String holder, long expiresAtNs, long generation) {}

  /**
   * The lease row of {@code ref}, which exists exactly when the continuation does.
   *
   * @throws NotFoundException if the continuation does not exist for this tenant
   */
  static LeaseRow leaseRow(SqliteDatabase.Session s, ContinuationRef ref) throws SQLException {
    return findLeaseRow(s, ref)
        .orElseThrow(() -> new NotFoundException("continuation " + ref + " does not exist"));
  }

  private static Optional<LeaseRow> findLeaseRow(SqliteDatabase.Session s, ContinuationRef ref)
      throws SQLException {
    PreparedStatement select =
        s.prepare(
            "SELECT holder, expires_at_ns, generation FROM leases WHERE tenant = ? AND continuation_id = ?");
    select.setString(1, ref.tenant().value());
    select.setString(2, ref.id().value());
    try (ResultSet rs = select.executeQuery()) {
      return rs.next()
          ? Optional.of(new LeaseRow(rs.getString(1), rs.getLong(2), rs.getLong(3)))
          : Optional.empty();
    }
  }

  private static void updateLease(
      SqliteDatabase.Session s, ContinuationRef ref, String holder, long expiresNs, long generation)
      throws SQLException {
    PreparedStatement update =
        s.prepare(
            """
        UPDATE leases SET holder = ?, expires_at_ns = ?, generation = ? WHERE tenant = ? AND continuation_id = ?""");
    update.setString(1, holder);
    update.setLong(2, expiresNs);
    update.setLong(3, generation);
    update.setString(4, ref.tenant().value());
    update.setString(5, ref.id().value());
    update.executeUpdate();
  }
}
