package dev.maestro.local.store;

import dev.maestro.core.budget.BudgetAlert;
import dev.maestro.core.budget.BudgetLedger;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.budget.ScopeKey;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.substrate.EpochNanos;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The {@link BudgetLedger} of the embedded substrate, in the same SQLite file (schema version 3):
 * limits in {@code budget_limits}, running totals per scope in {@code budget_scopes}, outstanding
 * and recently expired reservations in {@code budget_reservations}, alert markers in {@code
 * budget_alerts}. Every operation (reserve, settle, release, status, limit, claim) is one write on
 * the group-commit writer: it runs alone under its own savepoint inside a {@code BEGIN IMMEDIATE}
 * transaction, so a reservation's check of every scope and its hold on them are atomic, and other
 * processes on the same file wait on SQLite's write lock. A refused reservation rolls back its
 * savepoint and holds nothing. Each operation first expires reservations whose time to live has
 * passed (the sweep), and forgets expired ones after {@link BudgetLedger#EXPIRED_RETENTION}.
 *
 * <p>Alerts recorded here can be read without the CLI: {@code SELECT * FROM budget_alerts}.
 */
public final class SqliteBudgetLedger implements BudgetLedger {

  private static final String HELD = "held";
  private static final String EXPIRED = "expired";

  private final SqliteDatabase db;
  private final Clock clock;
  private final Duration ttl;

  SqliteBudgetLedger(SqliteDatabase db, Clock clock, Duration ttl) {
    this.db = Objects.requireNonNull(db, "db");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    if (!ttl.isPositive()) throw new IllegalArgumentException("ttl must be positive");
  }

  @Override
  public Reservation reserve(Spender spender, BigDecimal usdMax, long tokensMax) {
    BudgetLedger.checkReserve(spender, usdMax, tokensMax);
    return db.write(
        s -> {
          Instant now = clock.instant();
          sweep(s, now);
          List<ScopeKey> scopes = spender.scopesAt(now);
          var tallies = new ArrayList<Tally>();
          for (ScopeKey scope : scopes) {
            Tally t = load(s, scope);
            tallies.add(t);
            BudgetLimits l = limitOf(s, scope);
            if (l == null) continue;
            l.refuseIfCrossed(
                scope,
                t.settledUsd.add(t.reservedUsd),
                t.settledTokens + t.reservedTokens,
                usdMax,
                tokensMax);
          }
          var reservation =
              new Reservation("rsv-" + UUID.randomUUID(), scopes, usdMax, tokensMax, now.plus(ttl));
          for (Tally t : tallies) {
            t.reservedUsd = t.reservedUsd.add(usdMax);
            t.reservedTokens += tokensMax;
            save(s, t);
          }
          PreparedStatement insert =
              s.prepare(
                  """
          INSERT INTO budget_reservations (id, scopes, usd, tokens, expires_at_ns, state)
          VALUES (?, ?, ?, ?, ?, ?)""");
          insert.setString(1, reservation.id());
          insert.setString(2, ScopeKey.encodeAll(scopes));
          insert.setString(3, usdMax.toPlainString());
          insert.setLong(4, tokensMax);
          insert.setLong(5, EpochNanos.of(reservation.expiresAt()));
          insert.setString(6, HELD);
          insert.executeUpdate();
          return reservation;
        });
  }

  @Override
  public Settlement settle(Reservation reservation, BigDecimal actualUsd, long actualTokens) {
    BudgetLedger.checkSettle(reservation, actualUsd, actualTokens);
    return db.write(
        s -> {
          Instant now = clock.instant();
          sweep(s, now);
          String state = stateOf(s, reservation.id());
          if (state == null) {
            throw new IllegalStateException(
                "reservation " + reservation.id() + " was already settled or released");
          }
          delete(s, reservation.id());
          boolean late = EXPIRED.equals(state);
          BigDecimal usd = actualUsd.min(reservation.usd());
          long tokens = Math.min(actualTokens, reservation.tokens());
          var tallies = new ArrayList<Tally>();
          for (ScopeKey scope : reservation.scopes()) {
            Tally t = load(s, scope);
            tallies.add(t);
            if (!late) {
              t.reservedUsd = t.reservedUsd.subtract(reservation.usd());
              t.reservedTokens -= reservation.tokens();
              continue;
            }
            // Its headroom was freed on expiry and may be taken; charge only what still fits.
            BudgetLimits l = limitOf(s, scope);
            if (l == null) continue;
            usd = l.usdThatFits(t.settledUsd.add(t.reservedUsd), usd);
            tokens = l.tokensThatFit(t.settledTokens + t.reservedTokens, tokens);
          }
          for (Tally t : tallies) {
            t.settledUsd = t.settledUsd.add(usd);
            t.settledTokens += tokens;
            t.calls++;
            save(s, t);
          }
          return new Settlement(usd, tokens, actualUsd.subtract(usd), actualTokens - tokens, late);
        });
  }

  @Override
  public void release(Reservation reservation) {
    Objects.requireNonNull(reservation, "reservation");
    db.write(
        s -> {
          sweep(s, clock.instant());
          if (!HELD.equals(stateOf(s, reservation.id()))) return null;
          delete(s, reservation.id());
          for (ScopeKey scope : reservation.scopes()) {
            Tally t = load(s, scope);
            t.reservedUsd = t.reservedUsd.subtract(reservation.usd());
            t.reservedTokens -= reservation.tokens();
            save(s, t);
          }
          return null;
        });
  }

  @Override
  public List<ScopeStatus> status(Spender spender) {
    Objects.requireNonNull(spender, "spender");
    return db.write(
        s -> {
          Instant now = clock.instant();
          sweep(s, now);
          var out = new ArrayList<ScopeStatus>(3);
          for (ScopeKey scope : spender.scopesAt(now)) out.add(statusOf(s, scope));
          return List.copyOf(out);
        });
  }

  @Override
  public ScopeStatus status(ScopeKey scope) {
    Objects.requireNonNull(scope, "scope");
    return db.write(
        s -> {
          sweep(s, clock.instant());
          return statusOf(s, scope);
        });
  }

  @Override
  public boolean claimAlert(BudgetAlert alert) {
    Objects.requireNonNull(alert, "alert");
    return db.write(
        s -> {
          PreparedStatement insert =
              s.prepare(
                  """
          INSERT INTO budget_alerts (tenant, day, threshold, spent_usd, cap_usd, raised_at_ns)
          VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, day, threshold) DO NOTHING""");
          insert.setString(1, alert.tenant().value());
          insert.setString(2, alert.day().toString());
          insert.setInt(3, alert.thresholdPercent());
          insert.setString(4, alert.spentUsd().toPlainString());
          insert.setString(5, alert.capUsd().toPlainString());
          insert.setLong(6, EpochNanos.of(alert.raisedAt()));
          return insert.executeUpdate() == 1;
        });
  }

  @Override
  public List<BudgetAlert> alerts(TenantId tenant, LocalDate day) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(day, "day");
    return db.read(
        s -> {
          PreparedStatement select =
              s.prepare(
                  """
          SELECT threshold, spent_usd, cap_usd, raised_at_ns FROM budget_alerts
          WHERE tenant = ? AND day = ? ORDER BY threshold""");
          select.setString(1, tenant.value());
          select.setString(2, day.toString());
          var out = new ArrayList<BudgetAlert>();
          try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
              out.add(
                  new BudgetAlert(
                      tenant,
                      day,
                      rs.getInt(1),
                      new BigDecimal(rs.getString(2)),
                      new BigDecimal(rs.getString(3)),
                      EpochNanos.toInstant(rs.getLong(4))));
            }
          }
          return List.copyOf(out);
        });
  }

  // ---- storage ---------------------------------------------------------------------------------

  @Override
  public void limit(ScopeKey.Kind kind, String id, BudgetLimits limits) {
    Objects.requireNonNull(limits, "limits");
    db.write(
        s -> {
          PreparedStatement upsert =
              s.prepare(
                  """
          INSERT INTO budget_limits (kind, id, max_usd, soft_usd, max_tokens) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (kind, id) DO UPDATE SET max_usd = excluded.max_usd,
            soft_usd = excluded.soft_usd, max_tokens = excluded.max_tokens""");
          upsert.setString(1, kind.wire());
          upsert.setString(2, id);
          upsert.setString(3, limits.maxUsd().toPlainString());
          upsert.setString(4, limits.softUsd().toPlainString());
          upsert.setLong(5, limits.maxTokens());
          upsert.executeUpdate();
          return null;
        });
  }

  private static ScopeStatus statusOf(SqliteDatabase.Session s, ScopeKey scope)
      throws SQLException {
    Tally t = load(s, scope);
    return new ScopeStatus(
        scope,
        limitOf(s, scope),
        t.settledUsd,
        t.settledTokens,
        t.calls,
        t.reservedUsd,
        t.reservedTokens);
  }

  /** Frees the headroom of held reservations past their TTL; forgets long-expired ones. */
  private static void sweep(SqliteDatabase.Session s, Instant now) throws SQLException {
    long nowNs = EpochNanos.of(now);
    PreparedStatement due =
        s.prepare(
            """
        SELECT id, scopes, usd, tokens FROM budget_reservations
        WHERE state = ? AND expires_at_ns <= ?""");
    due.setString(1, HELD);
    due.setLong(2, nowNs);
    record Due(String id, List<ScopeKey> scopes, BigDecimal usd, long tokens) {}
    var expired = new ArrayList<Due>();
    try (ResultSet rs = due.executeQuery()) {
      while (rs.next()) {
        expired.add(
            new Due(
                rs.getString(1),
                ScopeKey.decodeAll(rs.getString(2)),
                new BigDecimal(rs.getString(3)),
                rs.getLong(4)));
      }
    }
    Map<ScopeKey, Tally> touched = new HashMap<>();
    for (Due d : expired) {
      for (ScopeKey scope : d.scopes()) {
        Tally t = touched.get(scope);
        if (t == null) {
          t = load(s, scope);
          touched.put(scope, t);
        }
        t.reservedUsd = t.reservedUsd.subtract(d.usd());
        t.reservedTokens -= d.tokens();
      }
      PreparedStatement mark = s.prepare("UPDATE budget_reservations SET state = ? WHERE id = ?");
      mark.setString(1, EXPIRED);
      mark.setString(2, d.id());
      mark.executeUpdate();
    }
    for (Tally t : touched.values()) save(s, t);
    PreparedStatement forget =
        s.prepare("DELETE FROM budget_reservations WHERE state = ? AND expires_at_ns <= ?");
    forget.setString(1, EXPIRED);
    forget.setLong(2, nowNs - EXPIRED_RETENTION.toNanos());
    forget.executeUpdate();
  }

  private static String stateOf(SqliteDatabase.Session s, String id) throws SQLException {
    PreparedStatement select = s.prepare("SELECT state FROM budget_reservations WHERE id = ?");
    select.setString(1, id);
    try (ResultSet rs = select.executeQuery()) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static void delete(SqliteDatabase.Session s, String id) throws SQLException {
    PreparedStatement delete = s.prepare("DELETE FROM budget_reservations WHERE id = ?");
    delete.setString(1, id);
    delete.executeUpdate();
  }

  private static BudgetLimits limitOf(SqliteDatabase.Session s, ScopeKey scope)
      throws SQLException {
    PreparedStatement select =
        s.prepare(
            "SELECT max_usd, soft_usd, max_tokens FROM budget_limits WHERE kind = ? AND id = ?");
    select.setString(1, scope.kind().wire());
    select.setString(2, scope.id());
    try (ResultSet rs = select.executeQuery()) {
      return rs.next()
          ? new BudgetLimits(
              new BigDecimal(rs.getString(1)), new BigDecimal(rs.getString(2)), rs.getLong(3))
          : null;
    }
  }

  private static Tally load(SqliteDatabase.Session s, ScopeKey scope) throws SQLException {
    PreparedStatement select =
        s.prepare(
            """
        SELECT settled_usd, settled_tokens, calls, reserved_usd, reserved_tokens FROM budget_scopes
        WHERE kind = ? AND id = ? AND day = ?""");
    select.setString(1, scope.kind().wire());
    select.setString(2, scope.id());
    select.setString(3, day(scope));
    var t = new Tally(scope);
    try (ResultSet rs = select.executeQuery()) {
      if (rs.next()) {
        t.settledUsd = new BigDecimal(rs.getString(1));
        t.settledTokens = rs.getLong(2);
        t.calls = rs.getLong(3);
        t.reservedUsd = new BigDecimal(rs.getString(4));
        t.reservedTokens = rs.getLong(5);
      }
    }
    return t;
  }

  private static void save(SqliteDatabase.Session s, Tally t) throws SQLException {
    PreparedStatement upsert =
        s.prepare(
            """
        INSERT INTO budget_scopes (kind, id, day, settled_usd, settled_tokens, calls, reserved_usd,
          reserved_tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (kind, id, day) DO UPDATE SET settled_usd = excluded.settled_usd,
          settled_tokens = excluded.settled_tokens, calls = excluded.calls,
          reserved_usd = excluded.reserved_usd, reserved_tokens = excluded.reserved_tokens""");
    upsert.setString(1, t.scope.kind().wire());
    upsert.setString(2, t.scope.id());
    upsert.setString(3, day(t.scope));
    upsert.setString(4, t.settledUsd.toPlainString());
    upsert.setLong(5, t.settledTokens);
    upsert.setLong(6, t.calls);
    upsert.setString(7, t.reservedUsd.toPlainString());
    upsert.setLong(8, t.reservedTokens);
    upsert.executeUpdate();
  }

  private static String day(ScopeKey scope) {
    return scope.day() == null ? "" : scope.day().toString();
  }

  /** One scope's totals as read for one operation. */
  private static final class Tally {
    final ScopeKey scope;
    BigDecimal settledUsd = BigDecimal.ZERO;
    long settledTokens;
    long calls;
    BigDecimal reservedUsd = BigDecimal.ZERO;
    long reservedTokens;

    Tally(ScopeKey scope) {
      this.scope = scope;
    }
  }
}
