package dev.maestro.local.store;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.FencedException;
import dev.maestro.core.error.NotFoundException;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.json.Json;
import dev.maestro.core.substrate.AppendPlan;
import dev.maestro.core.substrate.AppendResult;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.substrate.EventLog;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The event log in SQLite: one row per event, keyed by (tenant, continuation, sequence), holding
 * the event's JSON and its indexed generation, type and hash. An append checks fence, overlap, gap
 * and links inside its group-commit savepoint, so a rejected batch writes nothing. Content hashes
 * are taken as sealed by the writer; {@code EventChain} verifies them on read.
 */
final class SqliteEventLog implements EventLog {

  private final SqliteDatabase db;

  SqliteEventLog(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public AppendResult append(
      TenantId tenant, ContinuationId id, long fence, List<EventEnvelope> events) {
    Objects.requireNonNull(events, "events");
    var ref = new ContinuationRef(tenant, id);
    EventLog.checkBatch(tenant, id, fence, events);
    var batch = List.copyOf(events);
    // Serialised here, on the caller's thread, so that the single writer only binds and steps.
    var bodies = batch.stream().map(Json::write).toList();
    return db.write(s -> appendInTransaction(s, ref, fence, batch, bodies));
  }

  @Override
  public List<EventEnvelope> read(
      TenantId tenant, ContinuationId id, long afterSequence, int limit) {
    var ref = new ContinuationRef(tenant, id);
    if (limit < 0) throw new IllegalArgumentException("limit must not be negative");
    if (limit == 0) return List.of();
    return db.read(
        s -> {
          PreparedStatement select =
              s.prepare(
                  """
          SELECT body FROM events WHERE tenant = ? AND continuation_id = ? AND sequence > ?
          ORDER BY sequence LIMIT ?""");
          select.setString(1, ref.tenant().value());
          select.setString(2, ref.id().value());
          select.setLong(3, afterSequence);
          select.setInt(4, limit);
          var page = new ArrayList<EventEnvelope>();
          try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) page.add(Json.read(rs.getString(1), EventEnvelope.class));
          }
          return List.copyOf(page);
        });
  }

  private static AppendResult appendInTransaction(
      SqliteDatabase.Session s,
      ContinuationRef ref,
      long fence,
      List<EventEnvelope> batch,
      List<String> bodies)
      throws SQLException {
    Head head = head(s, ref);
    FencedException.check("append to", ref, fence, head.generation());
    long first = batch.get(0).sequence();
    List<String> storedOverlap = List.of();
    if (first <= head.sequence()) {
      long overlapEnd = Math.min(head.sequence(), first + batch.size() - 1);
      List<String> stored = storedHashes(s, ref, first, overlapEnd);
      if (stored.size() != overlapEnd - first + 1) {
        throw new SqliteStoreException(
            "the log of " + ref + " has a hole below sequence " + head.sequence());
      }
      storedOverlap = stored;
    }
    int present =
        AppendPlan.alreadyPresent(ref, batch, storedOverlap, head.sequence(), head.hash());
    if (present == batch.size()) return new AppendResult(0, present, head.sequence());
    for (int i = present; i < batch.size(); i++) insert(s, batch.get(i), bodies.get(i));
    return new AppendResult(
        batch.size() - present, present, batch.get(batch.size() - 1).sequence());
  }

  /** Inserts one event row; the caller has checked that its sequence is free. */
  static void insert(SqliteDatabase.Session s, EventEnvelope event, String body)
      throws SQLException {
    PreparedStatement insert =
        s.prepare(
            """
        INSERT INTO events (tenant, continuation_id, sequence, generation, type, hash, body)
        VALUES (?, ?, ?, ?, ?, ?, ?)""");
    insert.setString(1, event.tenant().value());
    insert.setString(2, event.continuationId().value());
    insert.setLong(3, event.sequence());
    insert.setLong(4, event.generation());
    insert.setString(5, event.type().wire());
    insert.setString(6, event.hash());
    insert.setString(7, body);
    insert.executeUpdate();
  }

  /**
   * What an append checks against: the lease generation, and the last stored event's sequence and
   * hash (0 and the genesis hash for an empty log).
   */
  private record Head(long generation, long sequence, String hash) {}

  /**
   * The head of {@code ref}'s log in one statement (the append path runs on the single writer, so
   * every statement saved there is throughput).
   *
   * @throws NotFoundException if the continuation does not exist for this tenant
   */
  private static Head head(SqliteDatabase.Session s, ContinuationRef ref) throws SQLException {
    PreparedStatement select =
        s.prepare(
            """
        SELECT l.generation, e.sequence, e.hash
        FROM leases l LEFT JOIN events e
          ON e.tenant = l.tenant AND e.continuation_id = l.continuation_id
          AND e.sequence = (SELECT max(m.sequence) FROM events m
                            WHERE m.tenant = l.tenant AND m.continuation_id = l.continuation_id)
        WHERE l.tenant = ? AND l.continuation_id = ?""");
    select.setString(1, ref.tenant().value());
    select.setString(2, ref.id().value());
    try (ResultSet rs = select.executeQuery()) {
      if (!rs.next()) throw new NotFoundException("continuation " + ref + " does not exist");
      long generation = rs.getLong(1);
      long sequence = rs.getLong(2);
      return rs.wasNull()
          ? new Head(generation, 0, EventEnvelope.GENESIS)
          : new Head(generation, sequence, rs.getString(3));
    }
  }

  private static List<String> storedHashes(
      SqliteDatabase.Session s, ContinuationRef ref, long from, long to) throws SQLException {
    PreparedStatement select =
        s.prepare(
            """
        SELECT hash FROM events WHERE tenant = ? AND continuation_id = ? AND sequence BETWEEN ? AND ?
        ORDER BY sequence""");
    select.setString(1, ref.tenant().value());
    select.setString(2, ref.id().value());
    select.setLong(3, from);
    select.setLong(4, to);
    var hashes = new ArrayList<String>();
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) hashes.add(rs.getString(1));
    }
    return hashes;
  }
}
