package dev.maestro.local.store;

import dev.maestro.core.substrate.ContinuationRef;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Objects;

/**
 * How far change data capture has processed each continuation's log when CDC runs over the embedded
 * store (the Azure CDC function invoked locally): table {@code cdc_cursors}, one row per (tenant,
 * continuation) holding the last sequence processed. A cursor only moves forward, so a late or
 * replayed change never moves it back.
 */
public final class SqliteCdcCursors {

  private final SqliteDatabase db;

  SqliteCdcCursors(SqliteDatabase db) {
    this.db = db;
  }

  /** The last sequence processed for {@code ref}; 0 when none was. */
  public long processed(ContinuationRef ref) {
    Objects.requireNonNull(ref, "ref");
    return db.read(
        s -> {
          PreparedStatement select =
              s.prepare(
                  "SELECT sequence FROM cdc_cursors WHERE tenant = ? AND continuation_id = ?");
          select.setString(1, ref.tenant().value());
          select.setString(2, ref.id().value());
          try (ResultSet rs = select.executeQuery()) {
            return rs.next() ? Math.max(0, rs.getLong(1)) : 0L;
          }
        });
  }

  /** Records that {@code ref}'s events up to {@code sequence} are processed (never backwards). */
  public void advance(ContinuationRef ref, long sequence) {
    Objects.requireNonNull(ref, "ref");
    db.write(
        s -> {
          PreparedStatement upsert =
              s.prepare(
                  """
          INSERT INTO cdc_cursors (tenant, continuation_id, sequence) VALUES (?, ?, ?)
          ON CONFLICT (tenant, continuation_id) DO UPDATE SET sequence = excluded.sequence
          WHERE excluded.sequence > cdc_cursors.sequence""");
          upsert.setString(1, ref.tenant().value());
          upsert.setString(2, ref.id().value());
          upsert.setLong(3, sequence);
          upsert.executeUpdate();
          return null;
        });
  }
}
