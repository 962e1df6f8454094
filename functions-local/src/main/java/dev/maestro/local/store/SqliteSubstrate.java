package dev.maestro.local.store;

import dev.maestro.core.stream.Subscriptions;
import dev.maestro.core.substrate.Substrate;
import dev.maestro.core.substrate.TimerQueue;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The embedded substrate (BRIEF §7 "Local"): every storage port over one SQLite file in WAL mode.
 * Writes go through a single group-commit writer and are durable once acknowledged: the write-ahead
 * log is fsynced ({@code synchronous=FULL}) before a write returns, so a committed append survives
 * a {@code kill -9} of the JVM and a power loss. Reads run on a small pool of read connections.
 * Tenant is part of every key.
 *
 * <p>One process should own a database file at a time; a second process opening it is safe (SQLite
 * locks) but serialises on the write lock. Close it to stop the writer and release the file.
 */
public final class SqliteSubstrate implements AutoCloseable {

  /** Read connections per database: enough for the tick workers and the API on a small machine. */
  static final int READ_CONNECTIONS = 4;

  private final SqliteDatabase db;
  private final SqliteTimerQueue timers;
  private final Substrate substrate;
  private final SqliteSubscriptions subscriptions;
  private final SqliteDeadLetters deadLetters;
  private final SqliteCdcCursors cdcCursors;

  private SqliteSubstrate(SqliteDatabase db) {
    this.db = db;
    this.timers = new SqliteTimerQueue(db);
    this.subscriptions = new SqliteSubscriptions(db);
    this.deadLetters = new SqliteDeadLetters(db);
    this.cdcCursors = new SqliteCdcCursors(db);
    this.substrate =
        new Substrate(
            new SqliteContinuationStore(db),
            new SqliteEventLog(db),
            timers,
            new SqliteIdempotencyStore(db));
  }

  /**
   * Opens the database at {@code dbFile}, creating it (and its directory) if missing and migrating
   * its schema to this build's version.
   *
   * @throws SqliteStoreException if the file cannot be opened, or was written by a newer version
   */
  public static SqliteSubstrate open(Path dbFile) {
    return new SqliteSubstrate(SqliteDatabase.open(dbFile, READ_CONNECTIONS));
  }

  /** The ports, with this store's {@link #timers()} as the scheduler. */
  public Substrate substrate() {
    return substrate;
  }

  /** The polled timer queue the in-process dispatcher fires wakes from. */
  public TimerQueue timers() {
    return timers;
  }

  /** The stream subscriptions index (ADR-0009) that CDC keeps and stream fan-out reads. */
  public Subscriptions subscriptions() {
    return subscriptions;
  }

  /** Where poison stream records and unreadable CDC input are kept. */
  public SqliteDeadLetters deadLetters() {
    return deadLetters;
  }

  /** How far CDC has processed each continuation's log. */
  public SqliteCdcCursors cdcCursors() {
    return cdcCursors;
  }

  /**
   * The budget ledger in this database: reservations expire after {@code ttl} against {@code
   * clock}, which also cuts tenant days. Ledgers over the same file share their state.
   */
  public SqliteBudgetLedger budgets(Clock clock, Duration ttl) {
    return new SqliteBudgetLedger(db, clock, ttl);
  }

  /** The database file. */
  public Path file() {
    return db.file();
  }

  /**
   * Commits the writes already queued, then closes every connection. Calls made afterwards fail
   * with {@link SqliteStoreException}. Idempotent.
   */
  @Override
  public void close() {
    db.close();
  }
}
