package dev.maestro.local.store;

import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.substrate.EpochNanos;
import dev.maestro.core.substrate.IdempotencyStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;

/**
 * Idempotency keys in SQLite, keyed by (tenant, key). A claim is an insert that does nothing when
 * the key is taken, followed by a read of the stored claim, both in one writer transaction, so of
 * racing claims exactly one wins. Repeated claims of a known key are answered from a read
 * connection without queueing a write.
 */
final class SqliteIdempotencyStore implements IdempotencyStore {

  private final SqliteDatabase db;

  SqliteIdempotencyStore(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public Claim claim(TenantId tenant, Claim proposed) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(proposed, "proposed");
    long claimedNs = EpochNanos.of(proposed.claimedAt());
    Optional<Claim> known = db.read(s -> stored(s, tenant, proposed.key()));
    if (known.isPresent()) return known.get();
    return db.write(
        s -> {
          PreparedStatement insert =
              s.prepare(
                  """
          INSERT INTO idempotency_claims (tenant, key, request_fingerprint, resource_id, claimed_at_ns)
          VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant, key) DO NOTHING""");
          insert.setString(1, tenant.value());
          insert.setString(2, proposed.key());
          insert.setString(3, proposed.requestFingerprint());
          insert.setString(4, proposed.resourceId());
          insert.setLong(5, claimedNs);
          if (insert.executeUpdate() == 1) return proposed;
          return stored(s, tenant, proposed.key())
              .orElseThrow(
                  () ->
                      new SqliteStoreException(
                          "idempotency key " + proposed.key() + " is neither free nor stored"));
        });
  }

  private static Optional<Claim> stored(SqliteDatabase.Session s, TenantId tenant, String key)
      throws SQLException {
    PreparedStatement select =
        s.prepare(
            """
        SELECT request_fingerprint, resource_id, claimed_at_ns FROM idempotency_claims WHERE tenant = ? AND key = ?""");
    select.setString(1, tenant.value());
    select.setString(2, key);
    try (ResultSet rs = select.executeQuery()) {
      return rs.next()
          ? Optional.of(
              new Claim(key, rs.getString(1), rs.getString(2), EpochNanos.toInstant(rs.getLong(3))))
          : Optional.empty();
    }
  }
}
