package dev.maestro.local.store;

import dev.maestro.core.stream.DeadLetter;
import dev.maestro.core.stream.DeadLetters;
import dev.maestro.core.substrate.EpochNanos;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Dead letters in the embedded store (table {@code dead_letters}), so that poison stream records
 * and unreadable CDC documents of functions run locally are kept, and can be listed, without a
 * cloud queue. Keyed by (source, received at, record id): the same poison record stored again
 * replaces its row, as {@link DeadLetters#record} asks. The raw record and the error are kept
 * whole.
 */
public final class SqliteDeadLetters implements DeadLetters {

  private final SqliteDatabase db;

  SqliteDeadLetters(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public void record(DeadLetter letter) {
    Objects.requireNonNull(letter, "letter");
    long receivedNs = EpochNanos.of(letter.receivedAt());
    db.write(
        s -> {
          PreparedStatement upsert =
              s.prepare(
                  """
          INSERT INTO dead_letters (source, received_at_ns, record_id, raw, error) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (source, received_at_ns, record_id) DO UPDATE SET raw = excluded.raw, error = excluded.error""");
          upsert.setString(1, letter.source());
          upsert.setLong(2, receivedNs);
          upsert.setString(3, letter.recordId());
          upsert.setString(4, letter.raw());
          upsert.setString(5, letter.error());
          upsert.executeUpdate();
          return null;
        });
  }

  /** Every dead letter kept, oldest received first (then by source and record id). */
  public List<DeadLetter> list() {
    return db.read(
        s -> {
          PreparedStatement select =
              s.prepare(
                  """
          SELECT source, record_id, received_at_ns, raw, error FROM dead_letters
          ORDER BY received_at_ns, source, record_id""");
          var letters = new ArrayList<DeadLetter>();
          try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
              letters.add(
                  new DeadLetter(
                      rs.getString(1),
                      rs.getString(2),
                      EpochNanos.toInstant(rs.getLong(3)),
                      rs.getString(4),
                      rs.getString(5)));
            }
          }
          return letters;
        });
  }
}
