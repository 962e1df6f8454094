package dev.maestro.local.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.sqlite.SQLiteConfig;

/**
 * One SQLite database file in WAL mode: its schema, a pool of read connections and the single
 * group-commit writer.
 *
 * <p><b>Writes</b> are queued to one writer thread. It drains whatever is queued (up to {@value
 * #MAX_GROUP} operations) and runs it in one {@code BEGIN IMMEDIATE} transaction, each operation
 * under its own {@code SAVEPOINT}: an operation that throws (a conflict, a fenced write) is rolled
 * back to its savepoint alone and the others still commit. Callers are answered, by a separate
 * completer thread, only after the {@code COMMIT} returned, so an acknowledged write is durable; a
 * commit failure fails every operation of the group, none of which is then stored. One fsync thus
 * covers a whole group, which is what makes many concurrent appenders fast.
 *
 * <p><b>Reads</b> run on separate connections (WAL lets readers proceed during a write) and see
 * every write that has been acknowledged before they started.
 *
 * <p><b>Durability.</b> {@code synchronous=FULL}: every commit fsyncs the write-ahead log before
 * the writer answers. {@code NORMAL} would already survive a {@code kill -9} of the JVM (the log is
 * in the OS page cache), but could lose the last commits on power loss or a kernel crash; group
 * commit makes FULL cheap enough (one fsync per group, not per append) that we need not take that
 * risk.
 */
final class SqliteDatabase implements AutoCloseable {

  /** The schema version this build writes; see {@link #MIGRATIONS}. */
  static final int SCHEMA_VERSION = 3;

  /** The most operations one group-commit transaction holds. */
  static final int MAX_GROUP = 1024;

  /** How long a connection waits for another process's lock before failing. */
  private static final int BUSY_TIMEOUT_MS = 10_000;

  /**
   * Migrations by target version: {@code MIGRATIONS.get(v - 1)} takes a database from version
   * {@code v - 1} to {@code v}. Append only; never edit a released migration.
   */
  private static final List<List<String>> MIGRATIONS =
      List.of(
          List.of(
              // Snapshots are caches of the fold; terminal is denormalised for the recovery scan.
              """
      CREATE TABLE continuations (
        tenant TEXT NOT NULL,
        id TEXT NOT NULL,
        last_sequence INTEGER NOT NULL,
        terminal INTEGER NOT NULL,
        snapshot TEXT NOT NULL,
        PRIMARY KEY (tenant, id))""",
              "CREATE INDEX continuations_unfinished ON continuations (tenant, id) WHERE terminal = 0",
              // One row per continuation from its creation; generation survives releases (fencing).
              """
      CREATE TABLE leases (
        tenant TEXT NOT NULL,
        continuation_id TEXT NOT NULL,
        holder TEXT,
        expires_at_ns INTEGER NOT NULL,
        generation INTEGER NOT NULL,
        PRIMARY KEY (tenant, continuation_id)) WITHOUT ROWID""",
              // A rowid table (rows are appended at the end of the b-tree) plus a small unique key
              // index;
              // WITHOUT ROWID would copy the whole JSON body into interior pages.
              """
      CREATE TABLE events (
        tenant TEXT NOT NULL,
        continuation_id TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        generation INTEGER NOT NULL,
        type TEXT NOT NULL,
        hash TEXT NOT NULL,
        body TEXT NOT NULL)""",
              "CREATE UNIQUE INDEX events_key ON events (tenant, continuation_id, sequence)",
              """
      CREATE TABLE timers (
        tenant TEXT NOT NULL,
        continuation_id TEXT NOT NULL,
        wake_id TEXT NOT NULL,
        due_at_ns INTEGER NOT NULL,
        wake TEXT NOT NULL,
        PRIMARY KEY (tenant, continuation_id, wake_id)) WITHOUT ROWID""",
              "CREATE INDEX timers_due ON timers (due_at_ns, tenant, continuation_id, wake_id)",
              """
      CREATE TABLE idempotency_claims (
        tenant TEXT NOT NULL,
        key TEXT NOT NULL,
        request_fingerprint TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        claimed_at_ns INTEGER NOT NULL,
        PRIMARY KEY (tenant, key)) WITHOUT ROWID"""),
          List.of(
              // The subscriptions index (ADR-0009): one row per (tenant, topic, continuation) ...
              """
      CREATE TABLE subscriptions (
        tenant TEXT NOT NULL,
        topic TEXT NOT NULL,
        continuation_id TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        PRIMARY KEY (tenant, topic, continuation_id)) WITHOUT ROWID""",
              // ... and one registry row per continuation that ever subscribed, never deleted.
              """
      CREATE TABLE subscription_registry (
        tenant TEXT NOT NULL,
        continuation_id TEXT NOT NULL,
        topics TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        PRIMARY KEY (tenant, continuation_id)) WITHOUT ROWID""",
              """
      CREATE TABLE dead_letters (
        source TEXT NOT NULL,
        received_at_ns INTEGER NOT NULL,
        record_id TEXT NOT NULL,
        raw TEXT NOT NULL,
        error TEXT NOT NULL,
        PRIMARY KEY (source, received_at_ns, record_id))""",
              """
      CREATE TABLE cdc_cursors (
        tenant TEXT NOT NULL,
        continuation_id TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        PRIMARY KEY (tenant, continuation_id)) WITHOUT ROWID"""),
          List.of(
              // The budget ledger (SqliteBudgetLedger). Dollars are exact decimal strings.
              // Limits by scope kind and id; a tenant-day row (id = tenant) holds for every day.
              """
      CREATE TABLE budget_limits (
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        max_usd TEXT NOT NULL,
        soft_usd TEXT NOT NULL,
        max_tokens INTEGER NOT NULL,
        PRIMARY KEY (kind, id)) WITHOUT ROWID""",
              // Running totals per scope; day is '' except for tenant-day scopes.
              """
      CREATE TABLE budget_scopes (
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        day TEXT NOT NULL,
        settled_usd TEXT NOT NULL,
        settled_tokens INTEGER NOT NULL,
        calls INTEGER NOT NULL,
        reserved_usd TEXT NOT NULL,
        reserved_tokens INTEGER NOT NULL,
        PRIMARY KEY (kind, id, day)) WITHOUT ROWID""",
              // Outstanding ('held') and recently expired ('expired') reservations.
              """
      CREATE TABLE budget_reservations (
        id TEXT NOT NULL PRIMARY KEY,
        scopes TEXT NOT NULL,
        usd TEXT NOT NULL,
        tokens INTEGER NOT NULL,
        expires_at_ns INTEGER NOT NULL,
        state TEXT NOT NULL) WITHOUT ROWID""",
              "CREATE INDEX budget_reservations_due ON budget_reservations (state, expires_at_ns)",
              // One row per alert raised: the marker that makes each threshold fire once per day.
              """
      CREATE TABLE budget_alerts (
        tenant TEXT NOT NULL,
        day TEXT NOT NULL,
        threshold INTEGER NOT NULL,
        spent_usd TEXT NOT NULL,
        cap_usd TEXT NOT NULL,
        raised_at_ns INTEGER NOT NULL,
        PRIMARY KEY (tenant, day, threshold)) WITHOUT ROWID"""));

  /** A unit of work against one connection; SQL failures are storage failures. */
  @FunctionalInterface
  interface Work<T> {
    T run(Session session) throws SQLException;
  }

  /** One connection with its prepared statements; used by one thread at a time. */
  static final class Session implements AutoCloseable {
    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    Session(Connection connection) {
      this.connection = connection;
    }

    /**
     * The cached prepared statement for {@code sql}. Its parameters are not cleared (that costs a
     * native call on the writer's hot path): every caller binds every parameter.
     */
    PreparedStatement prepare(String sql) throws SQLException {
      PreparedStatement statement = statements.get(sql);
      if (statement == null) {
        statement = connection.prepareStatement(sql);
        statements.put(sql, statement);
      }
      return statement;
    }

    /** Runs a parameterless statement (transaction control, pragmas, DDL). */
    void execute(String sql) throws SQLException {
      prepare(sql).execute();
    }

    @Override
    public void close() throws SQLException {
      SQLException failure = null;
      for (PreparedStatement statement : statements.values()) {
        try {
          statement.close();
        } catch (SQLException e) {
          if (failure == null) failure = e;
          else failure.addSuppressed(e);
        }
      }
      statements.clear();
      try {
        connection.close();
      } catch (SQLException e) {
        if (failure == null) failure = e;
        else failure.addSuppressed(e);
      }
      if (failure != null) throw failure;
    }
  }

  /** A queued write and the future its caller waits on. */
  private static final class Pending<T> {
    final Work<T> work;
    final CompletableFuture<T> outcome = new CompletableFuture<>();
    T value;
    RuntimeException rejection;

    Pending(Work<T> work) {
      this.work = work;
    }

    void runIn(Session session) throws SQLException {
      value = work.run(session);
    }

    void complete() {
      if (rejection != null) outcome.completeExceptionally(rejection);
      else outcome.complete(value);
    }
  }

  private static final Pending<Void> STOP = new Pending<>(s -> null);
  private static final List<Pending<?>> NO_MORE_GROUPS = List.of();

  private final Path file;
  private final Session writer;
  private final BlockingQueue<Session> readers;
  private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
  private final BlockingQueue<List<Pending<?>>> finished = new LinkedBlockingQueue<>();
  private final ReentrantReadWriteLock closing = new ReentrantReadWriteLock();
  private final Thread writerThread;
  private final Thread completerThread;
  private volatile boolean closed;

  private SqliteDatabase(Path file, Session writer, List<Session> readers) {
    this.file = file;
    this.writer = writer;
    this.readers = new ArrayBlockingQueue<>(readers.size(), false, readers);
    this.writerThread =
        Thread.ofPlatform().name("maestro-sqlite-writer").daemon(true).unstarted(this::runWriter);
    this.completerThread =
        Thread.ofPlatform()
            .name("maestro-sqlite-completer")
            .daemon(true)
            .unstarted(this::runCompleter);
  }

  /**
   * Opens (creating if needed) the database at {@code file}, brings its schema up to {@link
   * #SCHEMA_VERSION} and starts the writer.
   *
   * @throws SqliteStoreException if the file cannot be opened or was written by a newer schema
   */
  static SqliteDatabase open(Path file, int readerCount) {
    if (readerCount < 1)
      throw new IllegalArgumentException("at least one read connection is needed");
    Path absolute = file.toAbsolutePath();
    var opened = new ArrayList<Session>();
    try {
      if (absolute.getParent() != null) Files.createDirectories(absolute.getParent());
      Session writer = connect(absolute, false);
      opened.add(writer);
      migrate(writer);
      var readers = new ArrayList<Session>();
      for (int i = 0; i < readerCount; i++) {
        Session reader = connect(absolute, true);
        opened.add(reader);
        readers.add(reader);
      }
      var db = new SqliteDatabase(absolute, writer, readers);
      db.writerThread.start();
      db.completerThread.start();
      return db;
    } catch (SQLException | IOException | RuntimeException e) {
      for (Session session : opened) {
        try {
          session.close();
        } catch (SQLException closeFailure) {
          e.addSuppressed(closeFailure);
        }
      }
      if (e instanceof SqliteStoreException store) throw store;
      throw new SqliteStoreException("cannot open the database " + absolute, e);
    }
  }

  /** The database file. */
  Path file() {
    return file;
  }

  /** How many writes wait for the writer (for tests and metrics). */
  int queuedWrites() {
    return queue.size();
  }

  /**
   * Runs {@code work} in the next group-commit transaction and returns its result once committed. A
   * {@link RuntimeException} thrown by {@code work} undoes its writes only and is rethrown here.
   *
   * @throws SqliteStoreException if the store failed or is closed; the work was not committed
   */
  <T> T write(Work<T> work) {
    var pending = new Pending<>(work);
    closing.readLock().lock();
    try {
      if (closed) throw new SqliteStoreException("the store " + file + " is closed");
      queue.add(pending);
    } finally {
      closing.readLock().unlock();
    }
    return await(pending.outcome);
  }

  /**
   * Runs {@code work} on a read connection. It sees every write acknowledged before it started.
   *
   * @throws SqliteStoreException if the store failed or is closed
   */
  <T> T read(Work<T> work) {
    Session session = borrowReader();
    try {
      return work.run(session);
    } catch (SQLException e) {
      throw new SqliteStoreException("read from " + file + " failed", e);
    } finally {
      giveBack(session);
    }
  }

  /** Stops accepting writes, commits those already queued, and closes every connection. */
  @Override
  public void close() {
    closing.writeLock().lock();
    try {
      if (closed) return;
      closed = true;
      queue.add(STOP);
    } finally {
      closing.writeLock().unlock();
    }
    boolean interrupted = false;
    for (Thread thread : List.of(writerThread, completerThread)) {
      while (thread.isAlive()) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          // Closing must not leave the writer mid-commit; finish the join, then restore the flag.
          interrupted = true;
        }
      }
    }
    var failure = new SqliteStoreException("closing " + file + " failed");
    closeQuietlyInto(writer, failure);
    // Readers still borrowed are closed by giveBack(); close() waits for none of them.
    for (Session reader; (reader = readers.poll()) != null; ) closeQuietlyInto(reader, failure);
    if (interrupted) Thread.currentThread().interrupt();
    if (failure.getSuppressed().length > 0) throw failure;
  }

  // ---- writer ----------------------------------------------------------------------------------

  private void runWriter() {
    boolean stopping = false;
    while (!stopping) {
      var group = new ArrayList<Pending<?>>();
      try {
        group.add(queue.take());
      } catch (InterruptedException e) {
        // Nothing interrupts the writer but a JVM shutdown; keep serving until close() stops it.
        continue;
      }
      queue.drainTo(group, MAX_GROUP - 1);
      stopping = group.remove(STOP);
      if (!group.isEmpty()) {
        commitGroup(group);
        finished.add(group);
      }
    }
    // close() takes the write lock before queueing STOP, so nothing can follow it; drain
    // defensively.
    var late = new ArrayList<Pending<?>>();
    queue.drainTo(late);
    for (Pending<?> pending : late)
      pending.rejection = new SqliteStoreException("the store " + file + " is closed");
    if (!late.isEmpty()) finished.add(late);
    finished.add(NO_MORE_GROUPS);
  }

  /**
   * Answers the callers of committed (or failed) groups. Waking a waiting thread costs a system
   * call per caller; doing it here lets the writer start the next transaction meanwhile.
   */
  private void runCompleter() {
    while (true) {
      List<Pending<?>> group;
      try {
        group = finished.take();
      } catch (InterruptedException e) {
        // As for the writer: only close() ends this thread, after the writer's last group.
        continue;
      }
      if (group == NO_MORE_GROUPS) return;
      for (Pending<?> pending : group) pending.complete();
    }
  }

  /**
   * Runs {@code group} in one transaction, leaving each operation's value or rejection on it; the
   * completer answers the callers once this returns (after the commit).
   */
  private void commitGroup(List<Pending<?>> group) {
    try {
      writer.execute("BEGIN IMMEDIATE");
    } catch (SQLException e) {
      abandon(group, new SqliteStoreException("cannot begin a write transaction on " + file, e));
      return;
    }
    for (Pending<?> pending : group) {
      try {
        writer.execute("SAVEPOINT op");
        try {
          pending.runIn(writer);
          writer.execute("RELEASE op");
        } catch (RuntimeException | SQLException failure) {
          writer.execute("ROLLBACK TO op");
          writer.execute("RELEASE op");
          pending.rejection =
              failure instanceof RuntimeException runtime
                  ? runtime
                  : new SqliteStoreException("write to " + file + " failed", failure);
        }
      } catch (SQLException e) {
        abandon(group, new SqliteStoreException("write transaction on " + file + " failed", e));
        return;
      } catch (Error e) {
        // The writer must outlive the failure, or every later write would wait forever; the
        // callers of this group get the error as the cause.
        abandon(group, new SqliteStoreException("write transaction on " + file + " aborted", e));
        return;
      }
    }
    try {
      writer.execute("COMMIT");
    } catch (SQLException e) {
      abandon(group, new SqliteStoreException("commit to " + file + " failed", e));
    }
  }

  /**
   * Rolls the open transaction back and marks every operation of the group that had not already
   * been rejected on its own as failed: none of them was committed.
   */
  private void abandon(List<Pending<?>> group, SqliteStoreException cause) {
    try {
      writer.execute("ROLLBACK");
    } catch (SQLException e) {
      // SQLite may already have rolled back (I/O errors do); the cause stays the real failure.
      cause.addSuppressed(e);
    }
    for (Pending<?> pending : group) {
      if (pending.rejection == null) pending.rejection = cause;
    }
  }

  // ---- connections -----------------------------------------------------------------------------

  private static Session connect(Path file, boolean reader) throws SQLException {
    var config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(BUSY_TIMEOUT_MS);
    config.setTempStore(SQLiteConfig.TempStore.MEMORY);
    // Otherwise the driver runs an extra "SELECT last_insert_rowid()" after every insert.
    config.setGetGeneratedKeys(false);
    var session = new Session(config.createConnection("jdbc:sqlite:" + file));
    try {
      // Readers guard against accidental writes outside the group-commit writer.
      if (reader) session.execute("PRAGMA query_only = ON");
      return session;
    } catch (SQLException e) {
      session.close();
      throw e;
    }
  }

  private static void migrate(Session session) throws SQLException {
    session.execute("BEGIN IMMEDIATE");
    try {
      session.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
      int current;
      try (ResultSet rs =
          session.prepare("SELECT max(version) FROM schema_version").executeQuery()) {
        current = rs.next() ? rs.getInt(1) : 0;
      }
      if (current > SCHEMA_VERSION) {
        throw new SqliteStoreException(
            "the database has schema version "
                + current
                + " but this build knows only up to "
                + SCHEMA_VERSION
                + "; use a newer build");
      }
      for (int target = current + 1; target <= SCHEMA_VERSION; target++) {
        for (String ddl : MIGRATIONS.get(target - 1)) session.execute(ddl);
      }
      if (current < SCHEMA_VERSION) {
        session.execute("DELETE FROM schema_version");
        PreparedStatement insert =
            session.prepare("INSERT INTO schema_version (version) VALUES (?)");
        insert.setInt(1, SCHEMA_VERSION);
        insert.executeUpdate();
      }
      session.execute("COMMIT");
    } catch (SQLException | RuntimeException e) {
      try {
        session.execute("ROLLBACK");
      } catch (SQLException rollbackFailure) {
        e.addSuppressed(rollbackFailure);
      }
      throw e;
    }
  }

  private Session borrowReader() {
    try {
      while (true) {
        if (closed) throw new SqliteStoreException("the store " + file + " is closed");
        // Bounded polls, so a reader waiting while the store closes notices it.
        Session session = readers.poll(100, TimeUnit.MILLISECONDS);
        if (session != null) return session;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SqliteStoreException("interrupted while waiting for a read connection", e);
    }
  }

  private void giveBack(Session session) {
    if (!closed) {
      readers.add(session);
      // close() may have drained the pool between the check and the add; close what it missed.
      if (!closed || !readers.remove(session)) return;
    }
    var failure = new SqliteStoreException("closing a read connection of " + file + " failed");
    closeQuietlyInto(session, failure);
    if (failure.getSuppressed().length > 0) throw failure;
  }

  private static void closeQuietlyInto(Session session, SqliteStoreException failure) {
    try {
      session.close();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  private static <T> T await(CompletableFuture<T> outcome) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return outcome.get();
        } catch (InterruptedException e) {
          // The write may already be committing; report its true outcome, then restore the flag.
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException runtime) throw runtime;
          if (cause instanceof Error error) throw error;
          throw new SqliteStoreException("write failed", cause);
        }
      }
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }
}
