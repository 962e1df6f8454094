package dev.maestro.local.store;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.json.Json;
import dev.maestro.core.stream.Subscriptions;
import dev.maestro.core.substrate.ContinuationRef;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The subscriptions index (ADR-0009) in SQLite, so that the stream and CDC functions run over the
 * embedded store as they do over DynamoDB and Cosmos DB, with the same layout: table {@code
 * subscriptions} holds one row per (tenant, topic, continuation) with the sequence of the event
 * that subscribed it; {@code subscription_registry} one row per continuation that ever subscribed
 * (its current topics as a JSON array and the last applied sequence), never deleted, so a replayed
 * old event cannot resurrect a subscription. Tenant is part of every key. Each subscribe or
 * unsubscribe is one writer transaction (registry check, row changes, registry update), so it is
 * atomic; a sequence at or below the registry's is ignored. Fan-out reads one index range.
 */
final class SqliteSubscriptions implements Subscriptions {

  private final SqliteDatabase db;

  SqliteSubscriptions(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public List<ContinuationId> subscribers(TenantId tenant, String topic) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(topic, "topic");
    return db.read(
        s -> {
          PreparedStatement select =
              s.prepare(
                  """
          SELECT continuation_id FROM subscriptions WHERE tenant = ? AND topic = ? ORDER BY continuation_id""");
          select.setString(1, tenant.value());
          select.setString(2, topic);
          var ids = new ArrayList<ContinuationId>();
          try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) ids.add(ContinuationId.of(rs.getString(1)));
          }
          return ids;
        });
  }

  @Override
  public void subscribe(ContinuationRef ref, Set<String> topics, long sequence) {
    Objects.requireNonNull(ref, "ref");
    var wanted = new TreeSet<>(Objects.requireNonNull(topics, "topics"));
    db.write(
        s -> {
          Registry registry = registry(s, ref);
          if (registry.sequence() >= sequence) return null;
          for (String topic : registry.topics()) {
            if (!wanted.contains(topic)) delete(s, ref, topic);
          }
          PreparedStatement upsert =
              s.prepare(
                  """
          INSERT INTO subscriptions (tenant, topic, continuation_id, sequence) VALUES (?, ?, ?, ?)
          ON CONFLICT (tenant, topic, continuation_id) DO UPDATE SET sequence = excluded.sequence""");
          for (String topic : wanted) {
            upsert.setString(1, ref.tenant().value());
            upsert.setString(2, topic);
            upsert.setString(3, ref.id().value());
            upsert.setLong(4, sequence);
            upsert.executeUpdate();
          }
          writeRegistry(s, ref, wanted, sequence);
          return null;
        });
  }

  @Override
  public void unsubscribe(ContinuationRef ref, long sequence) {
    Objects.requireNonNull(ref, "ref");
    // Never subscribed, or already newer: answered from a read connection, no write queued.
    Registry known = db.read(s -> registry(s, ref));
    if (known.sequence() < 0 || known.sequence() >= sequence) return;
    db.write(
        s -> {
          Registry registry = registry(s, ref);
          if (registry.sequence() < 0 || registry.sequence() >= sequence) return null;
          for (String topic : registry.topics()) delete(s, ref, topic);
          writeRegistry(s, ref, Set.of(), sequence);
          return null;
        });
  }

  private static void delete(SqliteDatabase.Session s, ContinuationRef ref, String topic)
      throws SQLException {
    PreparedStatement delete =
        s.prepare(
            "DELETE FROM subscriptions WHERE tenant = ? AND topic = ? AND continuation_id = ?");
    delete.setString(1, ref.tenant().value());
    delete.setString(2, topic);
    delete.setString(3, ref.id().value());
    delete.executeUpdate();
  }

  private static void writeRegistry(
      SqliteDatabase.Session s, ContinuationRef ref, Set<String> topics, long sequence)
      throws SQLException {
    PreparedStatement upsert =
        s.prepare(
            """
        INSERT INTO subscription_registry (tenant, continuation_id, topics, sequence) VALUES (?, ?, ?, ?)
        ON CONFLICT (tenant, continuation_id) DO UPDATE SET topics = excluded.topics, sequence = excluded.sequence""");
    upsert.setString(1, ref.tenant().value());
    upsert.setString(2, ref.id().value());
    upsert.setString(3, Json.write(new TreeSet<>(topics)));
    upsert.setLong(4, sequence);
    upsert.executeUpdate();
  }

  private static Registry registry(SqliteDatabase.Session s, ContinuationRef ref)
      throws SQLException {
    PreparedStatement select =
        s.prepare(
            """
        SELECT topics, sequence FROM subscription_registry WHERE tenant = ? AND continuation_id = ?""");
    select.setString(1, ref.tenant().value());
    select.setString(2, ref.id().value());
    try (ResultSet rs = select.executeQuery()) {
      if (!rs.next()) return new Registry(Set.of(), -1);
      var topics = new TreeSet<String>();
      Json.tree(rs.getString(1)).forEach(topic -> topics.add(topic.asText()));
      return new Registry(topics, rs.getLong(2));
    }
  }

  private record Registry(Set<String> topics, long sequence) {}
}
