package dev.maestro.local.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group-commit writer underneath the SQLite ports: what the conformance kit cannot see from
 * outside (savepoint isolation inside one group, close semantics, schema versioning).
 */
class SqliteDatabaseTest {

  private static final Duration BOUND = Duration.ofSeconds(20);

  @TempDir Path dir;

  private final List<SqliteDatabase> opened = new ArrayList<>();
  private final ExecutorService callers = Executors.newFixedThreadPool(4);

  @AfterEach
  void tearDown() throws InterruptedException {
    callers.shutdownNow();
    assertThat(callers.awaitTermination(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
    opened.forEach(SqliteDatabase::close);
  }

  @Test
  void givenTwoOperationsInOneGroup_whenOneFailsAfterWriting_thenOnlyItsWritesAreUndone()
      throws Exception {
    SqliteDatabase db = open();
    var writerHeld = new CountDownLatch(1);
    var releaseWriter = new CountDownLatch(1);
    Future<Object> blocker = holdWriter(db, writerHeld, releaseWriter);
    Future<String> succeeding = callers.submit(() -> db.write(s -> insertClaim(s, "kept")));
    Future<String> failing =
        callers.submit(
            () ->
                db.write(
                    s -> {
                      insertClaim(s, "undone");
                      throw new IllegalStateException("fails after writing");
                    }));
    await().atMost(BOUND).until(() -> db.queuedWrites() == 2);

    releaseWriter.countDown();

    assertThat(succeeding.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("kept");
    assertThatThrownBy(() -> failing.get(BOUND.toSeconds(), TimeUnit.SECONDS))
        .hasCauseInstanceOf(IllegalStateException.class);
    blocker.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    assertThat(claimKeys(db)).containsExactly("kept");
  }

  @Test
  void givenQueuedWrites_whenTheDatabaseIsClosed_thenTheyAreCommittedBeforeItCloses()
      throws Exception {
    SqliteDatabase db = open();
    var writerHeld = new CountDownLatch(1);
    var releaseWriter = new CountDownLatch(1);
    holdWriter(db, writerHeld, releaseWriter);
    Future<String> queued = callers.submit(() -> db.write(s -> insertClaim(s, "queued")));
    await().atMost(BOUND).until(() -> db.queuedWrites() == 1);
    var closing = CompletableFuture.runAsync(db::close, callers);

    releaseWriter.countDown();

    closing.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    assertThat(queued.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("queued");
    assertThat(claimKeys(open())).containsExactly("queued");
  }

  @Test
  void givenAClosedDatabase_whenWrittenOrRead_thenStoreException() {
    SqliteDatabase db = open();
    db.close();

    assertThatThrownBy(() -> db.write(s -> insertClaim(s, "late")))
        .isInstanceOf(SqliteStoreException.class);
    assertThatThrownBy(() -> db.read(SqliteDatabaseTest::claimKeysIn))
        .isInstanceOf(SqliteStoreException.class);
  }

  @Test
  void givenAClosedDatabase_whenClosedAgain_thenNothingHappens() {
    SqliteDatabase db = open();
    db.close();

    db.close();
  }

  @Test
  void givenADatabaseWrittenByANewerSchema_whenOpened_thenRefused() {
    SqliteDatabase db = open();
    db.write(s -> s.prepare("UPDATE schema_version SET version = 99").executeUpdate());
    db.close();

    assertThatThrownBy(this::open)
        .isInstanceOf(SqliteStoreException.class)
        .hasMessageContaining("99");
  }

  @Test
  void givenAFreshDatabase_whenOpened_thenItRecordsTheCurrentSchemaVersion() {
    SqliteDatabase db = open();

    int version =
        db.read(
            s -> {
              try (ResultSet rs = s.prepare("SELECT version FROM schema_version").executeQuery()) {
                return rs.next() ? rs.getInt(1) : -1;
              }
            });

    assertThat(version).isEqualTo(SqliteDatabase.SCHEMA_VERSION);
  }

  @Test
  void givenAReadConnection_whenItTriesToWrite_thenTheWriteIsRefused() {
    SqliteDatabase db = open();

    assertThatThrownBy(() -> db.read(s -> insertClaim(s, "sneaky")))
        .isInstanceOf(SqliteStoreException.class);
    assertThat(claimKeys(db)).isEmpty();
  }

  private SqliteDatabase open() {
    SqliteDatabase db = SqliteDatabase.open(dir.resolve("db.sqlite"), 2);
    opened.add(db);
    return db;
  }

  /** Occupies the writer with an operation that waits for {@code release}. */
  private Future<Object> holdWriter(SqliteDatabase db, CountDownLatch held, CountDownLatch release)
      throws InterruptedException {
    Future<Object> blocker =
        callers.submit(
            () ->
                db.write(
                    s -> {
                      held.countDown();
                      try {
                        if (!release.await(BOUND.toSeconds(), TimeUnit.SECONDS))
                          throw new IllegalStateException("never released");
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                      }
                      return null;
                    }));
    assertThat(held.await(BOUND.toSeconds(), TimeUnit.SECONDS)).as("writer held").isTrue();
    return blocker;
  }

  private static String insertClaim(SqliteDatabase.Session s, String key) throws SQLException {
    PreparedStatement insert =
        s.prepare(
            """
        INSERT INTO idempotency_claims (tenant, key, request_fingerprint, resource_id, claimed_at_ns)
        VALUES ('t', ?, 'fp', 'r', 0)""");
    insert.setString(1, key);
    insert.executeUpdate();
    return key;
  }

  private static List<String> claimKeys(SqliteDatabase db) {
    return db.read(SqliteDatabaseTest::claimKeysIn);
  }

  private static List<String> claimKeysIn(SqliteDatabase.Session s) throws SQLException {
    var keys = new ArrayList<String>();
    try (ResultSet rs =
        s.prepare("SELECT key FROM idempotency_claims ORDER BY key").executeQuery()) {
      while (rs.next()) keys.add(rs.getString(1));
    }
    return keys;
  }
}
