package dev.maestro.local.store;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.json.Json;
import dev.maestro.core.substrate.EpochNanos;
import dev.maestro.core.substrate.ScheduledWake;
import dev.maestro.core.substrate.TimerQueue;
import dev.maestro.core.wake.Wake;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Timers in SQLite, one row per (tenant, continuation, wake id). A wake is stored in canonical JSON
 * (sorted keys), so two equal wakes are equal text: {@link #acknowledge} deletes the row only if
 * its due time and wake are exactly what was delivered, and a re-registration made since survives.
 * Rows live until cancelled or acknowledged, so timers survive restarts and stay due until a tick
 * has handled them.
 */
final class SqliteTimerQueue implements TimerQueue {

  private static final String COLUMNS = "tenant, continuation_id, due_at_ns, wake";

  private final SqliteDatabase db;

  SqliteTimerQueue(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public void register(ScheduledWake wake) {
    Objects.requireNonNull(wake, "wake");
    long dueNs = EpochNanos.of(wake.dueAt());
    String body = canonical(wake.wake());
    db.write(
        s -> {
          PreparedStatement upsert =
              s.prepare(
                  """
          INSERT INTO timers (tenant, continuation_id, wake_id, due_at_ns, wake) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (tenant, continuation_id, wake_id) DO UPDATE SET due_at_ns = excluded.due_at_ns,
            wake = excluded.wake""");
          upsert.setString(1, wake.tenant().value());
          upsert.setString(2, wake.continuationId().value());
          upsert.setString(3, wake.wake().id());
          upsert.setLong(4, dueNs);
          upsert.setString(5, body);
          upsert.executeUpdate();
          return null;
        });
  }

  @Override
  public boolean cancel(TenantId tenant, ContinuationId id, String wakeId) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(wakeId, "wakeId");
    return db.write(
        s -> {
          PreparedStatement delete =
              s.prepare(
                  "DELETE FROM timers WHERE tenant = ? AND continuation_id = ? AND wake_id = ?");
          delete.setString(1, tenant.value());
          delete.setString(2, id.value());
          delete.setString(3, wakeId);
          return delete.executeUpdate() > 0;
        });
  }

  @Override
  public List<ScheduledWake> pending(TenantId tenant, ContinuationId id) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    return db.read(
        s -> {
          PreparedStatement select =
              s.prepare(
                  "SELECT "
                      + COLUMNS
                      + " FROM timers WHERE tenant = ? AND continuation_id = ? ORDER BY due_at_ns, wake_id");
          select.setString(1, tenant.value());
          select.setString(2, id.value());
          return wakes(select);
        });
  }

  @Override
  public List<ScheduledWake> due(Instant now, int limit) {
    Objects.requireNonNull(now, "now");
    if (limit < 0) throw new IllegalArgumentException("limit must not be negative");
    if (limit == 0) return List.of();
    long nowNs = EpochNanos.of(now);
    return db.read(
        s -> {
          PreparedStatement select =
              s.prepare(
                  "SELECT "
                      + COLUMNS
                      + """
           FROM timers WHERE due_at_ns <= ?
          ORDER BY due_at_ns, tenant, continuation_id, wake_id LIMIT ?""");
          select.setLong(1, nowNs);
          select.setInt(2, limit);
          return wakes(select);
        });
  }

  @Override
  public Optional<Instant> nextDueAt() {
    return db.read(
        s -> {
          try (ResultSet rs = s.prepare("SELECT min(due_at_ns) FROM timers").executeQuery()) {
            if (!rs.next()) return Optional.empty();
            long nanos = rs.getLong(1);
            return rs.wasNull()
                ? Optional.<Instant>empty()
                : Optional.of(EpochNanos.toInstant(nanos));
          }
        });
  }

  @Override
  public void acknowledge(ScheduledWake delivered) {
    Objects.requireNonNull(delivered, "delivered");
    long dueNs = EpochNanos.of(delivered.dueAt());
    String body = canonical(delivered.wake());
    db.write(
        s -> {
          PreparedStatement delete =
              s.prepare(
                  """
          DELETE FROM timers
          WHERE tenant = ? AND continuation_id = ? AND wake_id = ? AND due_at_ns = ? AND wake = ?""");
          delete.setString(1, delivered.tenant().value());
          delete.setString(2, delivered.continuationId().value());
          delete.setString(3, delivered.wake().id());
          delete.setLong(4, dueNs);
          delete.setString(5, body);
          delete.executeUpdate();
          return null;
        });
  }

  private static List<ScheduledWake> wakes(PreparedStatement select) throws SQLException {
    var wakes = new ArrayList<ScheduledWake>();
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        wakes.add(
            new ScheduledWake(
                TenantId.of(rs.getString(1)),
                ContinuationId.of(rs.getString(2)),
                EpochNanos.toInstant(rs.getLong(3)),
                Json.read(rs.getString(4), Wake.class)));
      }
    }
    return List.copyOf(wakes);
  }

  private static String canonical(Wake wake) {
    return new String(Json.canonical(wake), StandardCharsets.UTF_8);
  }
}
