package dev.maestro.local.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.stream.DeadLetter;
import dev.maestro.core.substrate.ContinuationRef;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dead letters and CDC cursors in the embedded store: kept whole, listed, replaced, forward only.
 */
class SqliteDeadLettersTest {

  private static final Instant AT = Instant.parse("2024-05-01T12:00:30.123456789Z");

  @TempDir Path dir;

  private SqliteSubstrate store;

  @BeforeEach
  void open() {
    store = SqliteSubstrate.open(dir.resolve("maestro.db"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void givenPoisonRecords_whenRecorded_thenTheyAreListedWholeOldestFirstAfterAReopen() {
    String raw = "{\"tenant\": \"acme\", " + "\"x\": \"" + "y".repeat(100_000) + "\"}";
    var later = new DeadLetter("servicebus", "m-2", AT.plusSeconds(1), "not json", "not JSON");
    var first = new DeadLetter("eventgrid", "ev-1", AT, raw, "/topic: required");
    store.deadLetters().record(later);
    store.deadLetters().record(first);
    store.close();

    store = SqliteSubstrate.open(dir.resolve("maestro.db"));

    assertThat(store.deadLetters().list()).containsExactly(first, later);
  }

  @Test
  void givenTheSamePoisonRecordRedelivered_whenRecordedAgain_thenItReplacesItsDeadLetter() {
    store.deadLetters().record(new DeadLetter("servicebus", "m-1", AT, "{}", "first try"));
    store.deadLetters().record(new DeadLetter("servicebus", "m-1", AT, "{}", "second try"));
    store.deadLetters().record(new DeadLetter("servicebus", "m-1", AT.plusSeconds(5), "{}", "new"));

    assertThat(store.deadLetters().list())
        .extracting(DeadLetter::error)
        .containsExactly("second try", "new");
  }

  @Test
  void givenACdcCursor_whenAdvancedBackwards_thenItStaysAndTenantsAreApart() {
    var id = ContinuationId.of("0190a1b2-0000-7000-8000-0000000000a1");
    var acme = new ContinuationRef(TenantId.of("acme"), id);
    var globex = new ContinuationRef(TenantId.of("globex"), id);
    assertThat(store.cdcCursors().processed(acme)).isZero();

    store.cdcCursors().advance(acme, 7);
    store.cdcCursors().advance(acme, 4);

    assertThat(store.cdcCursors().processed(acme)).isEqualTo(7);
    assertThat(store.cdcCursors().processed(globex)).isZero();
  }
}
